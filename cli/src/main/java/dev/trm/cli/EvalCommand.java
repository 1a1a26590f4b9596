package dev.trm.cli;

import dev.trm.data.AtomicFile;
import dev.trm.data.PuzzleCsv;
import dev.trm.data.PuzzleSet;
import dev.trm.model.PyTorchNatives;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.InvalidPuzzleException;
import dev.trm.runtime.LabelledRun;
import dev.trm.runtime.Pick;
import dev.trm.runtime.Question;
import dev.trm.runtime.Scorecard;
import dev.trm.runtime.TrmModel;
import dev.trm.task.TaskKind;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trm eval MODEL DATA}: a checkpoint gets the reference evaluation (all N_sup steps, EMA
 * weights); an exported .onnx file runs through the runtime under each halting policy and effort,
 * or, with {@code --sweep}, over a grid of efforts (accuracy against compute, with a plot).
 * Accuracy counts the model's own verified answers only: the exact fallback never counts.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate on a labelled set. A checkpoint (.ckpt): every puzzle runs all N_sup steps with the EMA"
                + " weights. An exported model (.onnx): exact accuracy, compute and puzzles/s per halting policy and effort.")
final class EvalCommand implements Callable<Integer> {
    /** The row whose run also gives the accuracy after each step: every puzzle runs all N_sup steps. */
    private static final String FIXED = "fixed";
    private static final String PLAIN = "plain";
    private static final String VERIFIED = "verified";
    /** The row of --picks that counts a puzzle right when any copy was (the ceiling of every pick). */
    private static final String ANY = ArcEvalTable.ANY;

    @Parameters(index = "0", paramLabel = "MODEL", description = "a checkpoint (.ckpt) or an exported step (.onnx)") Path checkpoint;
    @Parameters(index = "1", paramLabel = "DATA", description = "labelled puzzles (HRM CSV layout; ARC: tasks as JSON)") Path data;

    @Option(names = "--policies", split = ",", defaultValue = "fixed,q-halt,verified,verified+q-halt",
            description = "halting policies for an .onnx model (default: ${DEFAULT-VALUE})")
    List<String> policies;

    @Option(names = "--efforts", split = ";", defaultValue = "plain",
            description = "efforts for an .onnx model, separated by ';' (plain, adaptive, max, or stages like 4x2N or 16x4N~0.3;"
                    + " @PICK after one) (default: ${DEFAULT-VALUE})")
    List<String> efforts;

    @Option(names = "--sweep", paramLabel = "PLOT.png",
            description = "for an .onnx model: accuracy against compute over copies 1, 2, 4, 8 x the budgets of --sweep-budgets"
                    + " and the adaptive effort, under the first policy; a table and this plot")
    Path sweep;

    @Option(names = "--sweep-noise", split = ",", paramLabel = "SIGMA",
            description = "with --sweep: the same grid again with copies that differ by noise on their starting z, per SIGMA"
                    + " (copies of the puzzle as given; SIGMA+sym: under the symmetries too)")
    List<String> sweepNoise = new ArrayList<>();

    @Option(names = "--sweep-budgets", split = ",", paramLabel = "K", defaultValue = "1,2,4",
            description = "with --sweep: the step budgets, as multiples of N_sup (default: ${DEFAULT-VALUE})")
    List<Integer> sweepBudgets;

    @Option(names = "--no-checker",
            description = "for an .onnx model: the task's checker never ends a puzzle; every copy runs until its policy or budget"
                    + " stops it and the effort's pick chooses the answer, as for a task without a checker")
    boolean noChecker;

    @Option(names = "--picks", split = ",", paramLabel = "PICK",
            description = "with --no-checker, or on ARC tasks: score these picks (votes, halt, weighted) on the same copies, and"
                    + " 'any' (a copy was right: what no pick can beat)")
    List<String> picks = new ArrayList<>();

    /** The picks of --picks but 'any', checked and parsed once (empty: each row is the answer the effort's own pick gave). */
    private List<Pick> scoredPicks = List.of();

    @Mixin
    WeightsChoice weights;

    @Option(names = "--limit", defaultValue = "0", description = "only the first N puzzles (default: ${DEFAULT-VALUE}, all)") int limit;
    @Mixin
    DeviceOptions device;
    @Option(names = "--seed", defaultValue = "0", description = "seed of the copies' augmentations (default: ${DEFAULT-VALUE})") long seed;

    @Mixin
    RuntimeOptions runtime;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be 0 (all) or more, got " + limit);
        }
        runtime.validate();
        boolean exported = checkpoint.getFileName().toString().endsWith(".onnx");
        if (exported) {
            scoredPicks = checkPickOptions();
        } else if (noChecker || !picks.isEmpty()) {
            throw new IllegalArgumentException("--no-checker and --picks are for an exported model (.onnx): a checkpoint's evaluation"
                    + " runs one copy for every step");
        }
        if (sweep != null) {
            AtomicFile.requireWritableFolder(sweep, checkpoint, data);
        }
        if (exported) {
            return evalOnnx();
        }
        PyTorchNatives.require("evaluating a checkpoint"); // an exported .onnx file needs no PyTorch
        CheckpointEvalTable.print(spec.commandLine().getOut(), checkpoint, data, limit, weights, device.device(), runtime.batch());
        return 0;
    }

    /** The picks of --picks but 'any', checked against --no-checker and the policies (ARC, without a checker, needs neither). */
    private List<Pick> checkPickOptions() {
        if (!arc() && !noChecker && !picks.isEmpty()) {
            throw new IllegalArgumentException("--picks needs --no-checker (ARC, which has no checker, needs neither): with the"
                    + " checker, a verified copy's answer is the answer");
        }
        if (!arc() && noChecker) {
            for (String policy : policies) {
                if (policy.contains(VERIFIED)) {
                    throw new IllegalArgumentException("--no-checker: the policy '" + policy + "' stops on the checker"
                            + " (give --policies fixed or q-halt)");
                }
            }
        }
        return picks.stream().filter(name -> !name.equals(ANY)).map(Pick::parse).toList();
    }

    /** Whether --picks asks for the 'any copy was right' row. */
    private boolean scoresAny() {
        return picks.contains(ANY);
    }

    /** One evaluated (policy, effort): its scorecard and the time it took per puzzle. */
    record Row(String policy, String effort, Scorecard score, double msPerPuzzle) {
    }

    private int evalArc() {
        ArcEvalTable.print(spec.commandLine().getOut(), checkpoint, data, limit, runtime, seed, scoredPicks, scoresAny());
        return 0;
    }

    private boolean arc() {
        return PuzzleSet.detectTask(data) == TaskKind.ARC;
    }

    private int evalOnnx() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (arc()) {
            return evalArc();
        }
        List<PuzzleCsv.Row> rows = PuzzleSet.readLabelled(data); // answers that do not solve their puzzles would score nothing
        if (limit > 0 && limit < rows.size()) {
            rows = rows.subList(0, limit);
        }
        List<String> labels = rows.stream().map(PuzzleCsv.Row::answer).toList();
        try (TrmModel m = TrmModel.load(checkpoint, runtime.options())) {
            List<Question> questions = new ArrayList<>();
            for (PuzzleCsv.Row r : rows) {
                try {
                    questions.add(m.task().parse(r.question()));
                } catch (InvalidPuzzleException e) {
                    throw new IllegalArgumentException(data + ":" + r.line() + ": " + e.getMessage(), e);
                }
            }
            out.printf("%s (%s %s, N_sup %d) on %s: %d puzzles, batch %d, %s%n", checkpoint, m.info().task(), m.info().variant(),
                    m.info().haltMaxSteps(), data, rows.size(), runtime.batch(), m.provider().name().toLowerCase());
            // one untimed batch first, so the first row's time does not include ONNX Runtime's and the JIT's warm-up
            m.solveQuestions(questions.subList(0, Math.min(questions.size(), runtime.batch())), HaltPolicy.fixed(), Effort.plain(),
                    runtime.batch(), null);
            out.printf("%-18s %-24s %8s %8s %14s %12s %12s %11s%n", "policy", "effort", "exact", "solved", "steps/puzzle",
                    "copies/pzl", "ms/puzzle", "puzzles/s");
            out.flush();
            if (sweep != null) {
                SweepPlot.run(out, sweep, policies.get(0), Scorecard.Sweep.of(sweepNoise, sweepBudgets),
                        effort -> evaluate(m, questions, labels, policies.get(0), effort), questions.size() + " puzzles of " + data.getFileName());
                return 0;
            }
            for (String policyName : policies) {
                for (String effortName : efforts) {
                    // the plain solve under the fixed policy runs every step of every puzzle: count per step on the way
                    LabelledRun run = run(m, questions, labels, policyName, effortName, policyName.equals(FIXED) && effortName.equals(PLAIN));
                    Map<String, Scorecard.Answering> answerings = new LinkedHashMap<>();
                    if (scoredPicks.isEmpty() && !scoresAny()) {
                        answerings.put(effortName, Scorecard.GIVEN);
                    }
                    scoredPicks.forEach(pick -> answerings.put(effortName + "@" + pick, Scorecard.pickedBy(pick)));
                    if (scoresAny()) {
                        answerings.put(effortName + "@" + ANY, Scorecard.ANY_COPY);
                    }
                    answerings.forEach((name, answering) -> print(out, new Row(policyName, name, run.score(m.task(), labels, answering),
                            run.msPerPuzzle())));
                    if (run.exactByStep() != null) {
                        printByStep(out, run.exactByStep(), questions.size());
                    }
                    if (!noChecker) { // without the checker every puzzle runs every stage
                        printByStage(out, run, labels);
                    }
                }
            }
        }
        return 0;
    }

    /** One row of the table, answered as the effort says. */
    private Row evaluate(TrmModel m, List<Question> questions, List<String> labels, String policyName, String effortName) {
        LabelledRun run = run(m, questions, labels, policyName, effortName, false);
        return new Row(policyName, effortName, run.score(m.task(), labels, Scorecard.GIVEN), run.msPerPuzzle());
    }

    /** Solves every puzzle with a progress line on a terminal; {@code countByStep}: count the exact answers after each step. */
    private LabelledRun run(TrmModel m, List<Question> questions, List<String> labels, String policyName, String effortName,
                            boolean countByStep) {
        Effort effort = Effort.parse(effortName).withSeed(seed).withChecker(!noChecker);
        PrintStream progress = Progress.terminalOrNull();
        LabelledRun run = LabelledRun.solve(m, questions, labels, HaltPolicy.parse(policyName), effort, runtime.batch(), countByStep,
                progress == null ? null : done -> {
                    progress.printf("\r%s / %s: %d of %d puzzles", policyName, effortName, done, questions.size());
                    progress.flush();
                });
        if (progress != null) {
            progress.print("\r\033[K");
        }
        return run;
    }

    static void print(PrintWriter out, Row r) {
        Scorecard s = r.score();
        out.printf("%-18s %-24s %8.4f %8d %14.2f %12.2f %12.2f %11.1f%n", r.policy(), r.effort(), s.accuracy(), s.solved(),
                s.meanSteps(), s.meanCopies(), r.msPerPuzzle(), 1000 / r.msPerPuzzle());
        if (!Double.isNaN(s.pathCellAccuracy())) {
            out.printf("%-43s valid shortest paths %.4f (any shortest path counts), path-cell accuracy %.4f%n", "",
                    (double) s.solved() / s.puzzles(), s.pathCellAccuracy());
        }
        out.flush();
    }

    /** Exact accuracy after each step of the plain solve (does the recursion help?). */
    private static void printByStep(PrintWriter out, int[] right, int puzzles) {
        StringBuilder sb = new StringBuilder("exact accuracy after each step of the plain solve:");
        for (int k = 0; k < right.length; k++) {
            sb.append(String.format(" %d: %.4f", k + 1, (double) right[k] / puzzles));
        }
        out.println(sb);
        out.flush();
    }

    /** For an effort of several stages: the exact accuracy had it ended after each stage, and how many puzzles entered each. */
    private static void printByStage(PrintWriter out, LabelledRun run, List<String> labels) {
        Effort effort = run.effort();
        if (effort.stages().size() < 2) {
            return;
        }
        Scorecard.ByStage by = Scorecard.ByStage.of(effort, run.solutions(), labels);
        StringBuilder sb = new StringBuilder("exact accuracy by the end of each stage (puzzles that entered it):");
        for (int k = 0; k < effort.stages().size(); k++) {
            sb.append(String.format("%n  %d. %s: %.4f (%d)", k + 1, effort.stages().get(k), (double) by.exactBy()[k] / labels.size(),
                    by.entered()[k]));
        }
        out.println(sb);
        out.flush();
    }
}
