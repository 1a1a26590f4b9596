package dev.trm.cli;

import ai.djl.ndarray.NDManager;
import dev.trm.data.ArcSet;
import dev.trm.data.AtomicFile;
import dev.trm.data.PuzzleCsv;
import dev.trm.data.PuzzleSet;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmWeights;
import dev.trm.plot.LinePlot;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.InvalidPuzzleException;
import dev.trm.runtime.Pick;
import dev.trm.runtime.Question;
import dev.trm.runtime.Solution;
import dev.trm.runtime.TrmModel;
import dev.trm.task.TaskKind;
import dev.trm.task.arc.ArcTask;
import dev.trm.task.maze.MazeGrid;
import dev.trm.train.Checkpoint;
import dev.trm.train.Evaluation;
import dev.trm.train.PuzzleSamples;
import dev.trm.train.TrainingSets;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
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
    /** Copies of the --sweep grid, one series of the plot per kind of copy and budget (--sweep-budgets). */
    private static final int[] SWEEP_COPIES = {1, 2, 4, 8};
    /** The row whose run also gives the accuracy after each step: every puzzle runs all N_sup steps. */
    private static final String FIXED = "fixed";
    private static final String PLAIN = "plain";
    private static final String VERIFIED = "verified";
    /** The row of --picks that counts a puzzle right when any copy was (the ceiling of every pick). */
    private static final String ANY = "any";

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
    DeviceSettings device;
    @Option(names = "--seed", defaultValue = "0", description = "seed of the copies' augmentations (default: ${DEFAULT-VALUE})") long seed;

    @Mixin
    RuntimeSettings runtime;

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
        Checkpoint c = Checkpoint.read(checkpoint);
        c.requireFinite();
        List<PuzzleSamples.Sample> set = TrainingSets.evaluationRows(c, data);
        if (limit > 0 && limit < set.size()) {
            set = set.subList(0, limit);
        }
        long t0 = System.nanoTime();
        Evaluation e;
        try (NDManager m = NDManager.newBaseManager(device.device());
             TrmWeights w = new TrmWeights(new TrmParameters(c.model()), weights.values(c), m, m.getDevice())) {
            e = Evaluation.run(c.model(), w.arrays(), w.constants(), set, runtime.batch(), m);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s (step %d) on %s: %d puzzles in %.1f s (%.1f puzzles/s)%n", checkpoint, c.step(), data, set.size(),
                seconds, set.size() / seconds);
        printTable(out, c.model(), e);
        out.flush();
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

    /**
     * One evaluated (policy, effort): what it got right and what it cost.
     *
     * @param solved    answers the task's checker accepts, by the model (a maze: a valid shortest path, even if not the label's)
     * @param pathCells for mazes: the fraction of the labels' path cells the answers mark as path
     */
    record Row(String policy, String effort, int puzzles, int exact, int solved, int byExact, double meanSteps, double meanCopies,
               double msPerPuzzle, double pathCells) {
        double accuracy() {
            return (double) exact / puzzles;
        }
    }

    private int evalArc() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, ArcTask> tasks = ArcSet.read(data);
        if (limit > 0) {
            Map<String, ArcTask> first = new LinkedHashMap<>();
            tasks.values().stream().limit(limit).forEach(t -> first.put(t.id(), t));
            tasks = first;
        }
        try (TrmModel m = TrmModel.load(checkpoint, runtime.options())) {
            Map<String, ArcTask> known = new LinkedHashMap<>();
            tasks.values().stream().filter(t -> !t.test().isEmpty() && m.task().accepts(ArcVote.puzzle(t.id(), t.test().get(0))))
                    .forEach(t -> known.put(t.id(), t));
            if (known.isEmpty()) {
                throw new IllegalArgumentException(data + ": none of its " + tasks.size() + " tasks is one the model was trained on");
            }
            if (known.size() < tasks.size()) {
                out.printf("%d of the file's %d tasks are not the model's: evaluating the %d it was trained on%n",
                        tasks.size() - known.size(), tasks.size(), known.size());
            }
            tasks = known;
            long t0 = System.nanoTime();
            List<ArcVote.TestResult> results = ArcVote.solve(m, tasks, runtime.batch(), seed, Pick.VOTES);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> at1 = ArcVote.taskScores(results, 1);
            Map<String, Double> at2 = ArcVote.taskScores(results, ArcVote.ATTEMPTS);
            out.printf("%s on %s: %d tasks, %d test inputs with outputs, every trained variant voting, N_sup %d steps (%.1f s)%n",
                    checkpoint, data, at1.size(), results.stream().filter(r -> r.expected() != null).count(), m.info().haltMaxSteps(),
                    seconds);
            out.printf("%-12s %8s %8s %8s%n", "task", "tests", "pass@1", "pass@2");
            for (String task : at1.keySet()) {
                long tests = results.stream().filter(r -> r.task().equals(task) && r.expected() != null).count();
                out.printf("%-12s %8d %8.2f %8.2f%n", task, tests, at1.get(task), at2.get(task));
            }
            out.printf("pass@1 %.4f, pass@2 %.4f (mean over tasks of the fraction of test inputs solved)%n",
                    ArcVote.meanScore(results, 1), ArcVote.meanScore(results, ArcVote.ATTEMPTS));
            for (Pick pick : scoredPicks) {
                List<ArcVote.TestResult> again = results.stream().map(r -> r.rankedBy(pick)).toList();
                out.printf("pick %-8s pass@1 %.4f, pass@2 %.4f%n", pick, ArcVote.meanScore(again, 1),
                        ArcVote.meanScore(again, ArcVote.ATTEMPTS));
            }
            if (scoresAny()) {
                out.printf("pick %-8s a variant gave the output: %.4f%n", ANY, ArcVote.meanScore(results, Integer.MAX_VALUE));
            }
            out.flush();
        }
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
                return sweep(out, m, questions, rows);
            }
            for (String policyName : policies) {
                for (String effortName : efforts) {
                    // the plain solve under the fixed policy runs every step of every puzzle: count per step on the way
                    int[] rightByStep = policyName.equals(FIXED) && effortName.equals(PLAIN) ? new int[m.info().haltMaxSteps()] : null;
                    Run run = run(m, questions, rows, policyName, effortName, rightByStep);
                    if (scoredPicks.isEmpty() && !scoresAny()) {
                        print(out, score(m, run, rows, policyName, effortName, EvalCommand::given));
                    } else {
                        for (Pick pick : scoredPicks) {
                            print(out, score(m, run, rows, policyName, effortName + "@" + pick,
                                    (s, label) -> pick.rank(s.candidates()).get(0).answer()));
                        }
                        if (scoresAny()) {
                            print(out, score(m, run, rows, policyName, effortName + "@" + ANY, EvalCommand::anyRight));
                        }
                    }
                    if (rightByStep != null) {
                        printByStep(out, rightByStep, questions.size());
                    }
                    if (!noChecker) { // without the checker every puzzle runs every stage
                        printByStage(out, run, rows);
                    }
                }
            }
        }
        return 0;
    }

    /** The solutions of one (policy, effort), the effort they ran under and the time they took. */
    private record Run(List<Solution> solutions, Effort effort, double ms) {
    }

    /** One row of the table, answered as the effort says. */
    private Row evaluate(TrmModel m, List<Question> questions, List<PuzzleCsv.Row> rows, String policyName, String effortName) {
        return score(m, run(m, questions, rows, policyName, effortName, null), rows, policyName, effortName, EvalCommand::given);
    }

    /** Solves every puzzle; {@code rightByStep}, when not null, counts the exact answers after each step. */
    private Run run(TrmModel m, List<Question> questions, List<PuzzleCsv.Row> rows, String policyName, String effortName,
                    int[] rightByStep) {
        HaltPolicy policy = HaltPolicy.parse(policyName);
        Effort effort = Effort.parse(effortName).withSeed(seed).withChecker(!noChecker);
        PrintStream progress = Progress.terminalOrNull();
        List<Solution> sols = new ArrayList<>();
        long t0 = System.nanoTime();
        int batch = runtime.batch();
        for (int start = 0; start < questions.size(); start += batch) {
            List<Question> part = questions.subList(start, Math.min(questions.size(), start + batch));
            int offset = start;
            sols.addAll(m.solveQuestions(part, policy, effort, part.size(), rightByStep == null ? null : st -> {
                if (st.answer().equals(rows.get(offset + st.puzzleIndex()).answer())) {
                    rightByStep[st.step() - 1]++;
                }
            }));
            if (progress != null) {
                progress.printf("\r%s / %s: %d of %d puzzles", policyName, effortName, sols.size(), questions.size());
                progress.flush();
            }
        }
        if (progress != null) {
            progress.print("\r\033[K");
        }
        return new Run(sols, effort, (System.nanoTime() - t0) / 1e6);
    }

    /** Whether {@code answer}, given for solution {@code s}, is the label and the model's own (the exact fallback never counts). */
    private static boolean isExact(Solution s, String answer, String label) {
        return Solution.MODEL.equals(s.solvedBy()) && answer.equals(label);
    }

    /** The label if one of the puzzle's copies gave it, else the answer given. */
    private static String anyRight(Solution s, String label) {
        return s.candidates().stream().anyMatch(c -> c.answer().equals(label)) ? label : s.answer();
    }

    /** The answer the solver gave. */
    private static String given(Solution s, String label) {
        return s.answer();
    }

    /** What a run got right, each puzzle answered by {@code answerOf} (from its solution and label), and what it cost. */
    private static Row score(TrmModel m, Run run, List<PuzzleCsv.Row> rows, String policyName, String effortName,
                             BiFunction<Solution, String, String> answerOf) {
        List<Solution> sols = run.solutions();
        int exact = 0;
        int solved = 0;
        int byExact = 0;
        long steps = 0;
        long copies = 0;
        long pathCells = 0;
        long pathRight = 0;
        for (int i = 0; i < sols.size(); i++) {
            Solution s = sols.get(i);
            String label = rows.get(i).answer();
            String answer = answerOf.apply(s, label);
            boolean byModel = Solution.MODEL.equals(s.solvedBy());
            exact += isExact(s, answer, label) ? 1 : 0;
            solved += byModel && m.task().isSolution(s.puzzle(), answer) ? 1 : 0;
            byExact += Solution.EXACT.equals(s.solvedBy()) ? 1 : 0;
            steps += s.totalSteps();
            copies += s.copies();
            for (int k = 0; k < label.length(); k++) {
                if (label.charAt(k) == MazeGrid.PATH) {
                    pathCells++;
                    pathRight += byModel && answer.charAt(k) == MazeGrid.PATH ? 1 : 0;
                }
            }
        }
        int n = sols.size();
        return new Row(policyName, effortName, n, exact, solved, byExact, (double) steps / n, (double) copies / n, run.ms() / n,
                pathCells == 0 ? Double.NaN : (double) pathRight / pathCells);
    }

    private static void print(PrintWriter out, Row r) {
        out.printf("%-18s %-24s %8.4f %8d %14.2f %12.2f %12.2f %11.1f%n", r.policy(), r.effort(), r.accuracy(), r.solved(),
                r.meanSteps(), r.meanCopies(), r.msPerPuzzle(), 1000 / r.msPerPuzzle());
        if (!Double.isNaN(r.pathCells())) {
            out.printf("%-43s valid shortest paths %.4f (any shortest path counts), path-cell accuracy %.4f%n", "",
                    (double) r.solved() / r.puzzles(), r.pathCells());
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

    /**
     * For an effort of several stages: the exact accuracy had it ended after each stage (the stages are nested, so
     * a puzzle right by stage k is right under the effort cut there) and how many puzzles entered each stage.
     */
    private static void printByStage(PrintWriter out, Run run, List<PuzzleCsv.Row> rows) {
        Effort effort = run.effort();
        int stages = effort.stages().size();
        if (stages < 2) {
            return;
        }
        int[] rightBy = new int[stages];
        int[] entered = new int[stages];
        for (int i = 0; i < run.solutions().size(); i++) {
            Solution s = run.solutions().get(i);
            for (int k = 0; k <= s.stage(); k++) {
                entered[k]++;
            }
            if (isExact(s, s.answer(), rows.get(i).answer())) {
                for (int k = s.stage(); k < stages; k++) {
                    rightBy[k]++;
                }
            }
        }
        StringBuilder sb = new StringBuilder("exact accuracy by the end of each stage (puzzles that entered it):");
        for (int k = 0; k < stages; k++) {
            sb.append(String.format("%n  %d. %s: %.4f (%d)", k + 1, effort.stages().get(k), (double) rightBy[k] / rows.size(), entered[k]));
        }
        out.println(sb);
        out.flush();
    }

    private int sweep(PrintWriter out, TrmModel m, List<Question> questions, List<PuzzleCsv.Row> rows) throws IOException {
        String policy = policies.get(0);
        List<LinePlot.Series> left = new ArrayList<>();
        List<LinePlot.Series> right = new ArrayList<>();
        List<String> kinds = new ArrayList<>(List.of(""));
        sweepNoise.forEach(sigma -> kinds.add("~" + sigma));
        Map<Integer, Row> oneCopy = new HashMap<>(); // by budget: copy 0, which noise never touches, starts every series
        for (String kind : kinds) {
            for (int k : sweepBudgets) {
                String name = (kind.isEmpty() ? "symmetry copies" : "noisy copies " + kind.replace("+sym", ", with symmetries"))
                        + (sweepBudgets.size() > 1 ? ", " + k + " N_sup" : "");
                LinePlot.Series bySteps = new LinePlot.Series(name);
                LinePlot.Series byMs = new LinePlot.Series(name);
                for (int copies : SWEEP_COPIES) {
                    Row r = copies == 1 ? oneCopy.get(k) : null;
                    if (r == null) {
                        r = evaluate(m, questions, rows, policy, copies + "x" + k + "N" + kind);
                        print(out, r);
                        if (copies == 1) {
                            oneCopy.put(k, r);
                        }
                    }
                    bySteps.add(r.meanSteps(), r.accuracy());
                    byMs.add(r.msPerPuzzle(), r.accuracy());
                }
                left.add(bySteps);
                right.add(byMs);
            }
        }
        Row adaptive = evaluate(m, questions, rows, policy, "adaptive");
        print(out, adaptive);
        LinePlot.Series a = new LinePlot.Series("adaptive (1xN, 4x2N, 8x4N)");
        a.add(adaptive.meanSteps(), adaptive.accuracy());
        LinePlot.Series aMs = new LinePlot.Series(a.name());
        aMs.add(adaptive.msPerPuzzle(), adaptive.accuracy());
        left.add(a);
        right.add(aMs);
        LinePlot.write(sweep, "exact accuracy against test-time compute (" + policy + ", " + questions.size() + " puzzles of "
                + data.getFileName() + ")", "mean steps per puzzle, all copies (left); ms per puzzle (right)", left, "exact accuracy", right,
                "exact accuracy");
        out.printf("wrote %s%n", sweep);
        out.flush();
        return 0;
    }

    static void printTable(PrintWriter out, TrmConfig model, Evaluation e) {
        out.printf("%-6s %-10s %-10s %-10s%n", "step", "exact", "cells", "blank cells");
        for (int k = 0; k < model.haltMaxSteps(); k++) {
            out.printf("%-6d %-10.4f %-10.4f %-10.4f%n", k + 1, e.exactByStep()[k], e.cellByStep()[k], e.blankByStep()[k]);
        }
        out.printf("exact accuracy %.4f, cell accuracy %.4f, blank-cell accuracy %.4f (after step 1: %.4f)%n", e.exact(),
                e.cellAccuracy(), e.blankAccuracy(), e.blankByStep()[0]);
        out.printf("q-halt accuracy %.4f; halting at q_halt > 0 would stop at step %.2f on average with exact accuracy %.4f%n",
                e.qHaltAccuracy(), e.meanHaltStep(), e.exactAtHalt());
    }
}
