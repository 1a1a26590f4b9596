package dev.trm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.data.ArcSet;
import dev.trm.options.SolveOptions;
import dev.trm.runtime.ArcVote;
import dev.trm.runtime.Candidate;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.InvalidPuzzleException;
import dev.trm.runtime.Question;
import dev.trm.runtime.Solution;
import dev.trm.runtime.TrmModel;
import dev.trm.serve.SolutionJson;
import dev.trm.task.PuzzleException;
import dev.trm.task.TaskKind;
import dev.trm.task.arc.ArcTask;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import java.io.IOException;
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
 * {@code trm solve}: puzzles through a TRM (the bundled model, or {@code --model}), or the exact
 * Sudoku solver with {@code --exact}. Puzzles stream in batches: results print as each batch
 * finishes, and a bad puzzle stops the run at its line after the results before it.
 */
@Command(name = "solve", mixinStandardHelpOptions = true,
        description = "Solve puzzles given as arguments, in a file (plain lines or a CSV with a 'question' column) or on standard"
                + " input, with the bundled TRM, another model exported by trm-export (--model), or the exact solver (--exact).")
final class SolveCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(arity = "0..*", paramLabel = "PUZZLE", description = "puzzles; none: --file or standard input")
    List<String> puzzles = new ArrayList<>();

    @Option(names = {"-f", "--file"}, description = "puzzles, one per line, or a CSV with a 'question' column")
    Path file;

    @Option(names = {"-m", "--model"}, description = "an ONNX step exported by trm-export (default: the bundled Sudoku model)")
    Path model;

    @Option(names = "--exact", description = "solve with the exact Sudoku solver instead of a model")
    boolean exact;

    @Option(names = "--json", description = "one JSON object per puzzle, for scripts")
    boolean json;

    @Option(names = "--task", description = "arc: the arguments are ARC task files (JSON); every test input is solved under"
            + " each trained variant of its task and the top 2 voted answers are printed (needs --model)")
    String task;

    @Option(names = "--id", description = "with --task arc: only this task")
    String taskId;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    SolveOptions solve;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        runtime.validate();
        solve.config(); // every option checked now, even one this run would not use
        if (exact && model != null) {
            throw new IllegalArgumentException("give --model or --exact, not both");
        }
        if (task != null) {
            if (!TaskKind.ARC.is(task)) {
                throw new IllegalArgumentException("--task: only arc takes task files (Sudoku and Maze puzzles are text), got '" + task + "'");
            }
            return arc();
        }
        try (PuzzleInput input = PuzzleInput.of(puzzles, file, System.in)) {
            return exact ? exact(input) : withModel(input);
        }
    }

    private int withModel(PuzzleInput input) {
        PrintWriter out = spec.commandLine().getOut();
        HaltPolicy policy = solve.policy();
        Effort effort = solve.effort();
        int unsolved = 0;
        try (TrmModel m = BundledModel.load(model, runtime.options())) {
            for (List<PuzzleInput.Entry> batch = input.take(runtime.batch()); !batch.isEmpty(); batch = input.take(runtime.batch())) {
                // the puzzles before a bad one are solved and printed before the error stops the run
                List<Question> questions = new ArrayList<>();
                IllegalArgumentException bad = null;
                for (PuzzleInput.Entry e : batch) {
                    try {
                        questions.add(parsed(m, e));
                    } catch (IllegalArgumentException ex) {
                        bad = ex;
                        break;
                    }
                }
                List<Solution> solutions = questions.isEmpty() ? List.of()
                        : m.solveQuestions(questions, policy, effort, questions.size(), null);
                for (int i = 0; i < solutions.size(); i++) {
                    Solution s = solutions.get(i);
                    unsolved += s.solved() ? 0 : 1;
                    if (json) {
                        out.println(SolutionJson.of(batch.get(i).where(), s));
                    } else {
                        out.print(m.task().render(s.answer()));
                        out.printf("%s: %s, %.1f ms on %s%n%n", batch.get(i).where(), describe(s, m.info().haltMaxSteps()),
                                s.nanos() / 1e6, m.provider().name().toLowerCase());
                    }
                }
                ClosedOutputException.check(out);
                if (bad != null) {
                    throw bad;
                }
            }
        }
        return unsolved == 0 ? 0 : Trm.EXIT_BAD_INPUT;
    }

    private int arc() {
        if (model == null) {
            throw new IllegalArgumentException("--task arc needs --model (an ARC model exported by trm-export)");
        }
        Map<String, ArcTask> tasks = arcTasks();
        PrintWriter out = spec.commandLine().getOut();
        try (TrmModel m = BundledModel.load(model, runtime.options())) {
            if (!TaskKind.ARC.is(m.info().task())) {
                throw new IllegalArgumentException(model + " is a " + m.info().task() + " model, not an ARC one");
            }
            for (ArcVote.TestResult r : ArcVote.solve(m, tasks, runtime.batch(), solve.seed(), solve.effort().pick())) {
                List<Candidate> top = r.ranked().subList(0, Math.min(ArcVote.ATTEMPTS, r.ranked().size()));
                if (json) {
                    out.println(arcJson(r, top));
                } else {
                    printArc(out, m, r, top);
                }
                ClosedOutputException.check(out);
            }
        }
        return 0;
    }

    /** The tasks of the files given (arguments, then --file), or only --id's. */
    private Map<String, ArcTask> arcTasks() {
        List<Path> files = new ArrayList<>();
        puzzles.forEach(p -> files.add(Path.of(p)));
        if (file != null) {
            files.add(file);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("--task arc: give the ARC task files (JSON)");
        }
        Map<String, ArcTask> tasks = new LinkedHashMap<>();
        for (Path f : files) {
            for (ArcTask t : ArcSet.read(f).values()) {
                if (taskId == null || taskId.equals(t.id())) {
                    tasks.put(t.id(), t);
                }
            }
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("no task " + (taskId != null ? "'" + taskId + "' " : "") + "in " + files);
        }
        return tasks;
    }

    private static ObjectNode arcJson(ArcVote.TestResult r, List<Candidate> top) {
        ObjectNode o = JSON.createObjectNode();
        o.put("task", r.task());
        o.put("test", r.index());
        o.put("copies", r.copies());
        ArrayNode answers = o.putArray("answers");
        for (Candidate c : top) {
            SolutionJson.candidate(answers.addObject(), "grid", c);
        }
        if (r.expected() != null) {
            o.put("right_rank", r.rightRank());
        }
        return o;
    }

    private static void printArc(PrintWriter out, TrmModel m, ArcVote.TestResult r, List<Candidate> top) {
        out.printf("%s test %d: %d variants voted%s%n", r.task(), r.index(), r.copies(), r.expected() == null ? ""
                : r.passAt(ArcVote.ATTEMPTS) ? "; the true output is answer " + r.rightRank() : "; the true output is not in the top "
                + ArcVote.ATTEMPTS);
        for (int k = 0; k < top.size(); k++) {
            out.printf("answer %d (%d votes, mean halt probability %.3f):%n%s", k + 1, top.get(k).votes(),
                    top.get(k).meanHaltProbability(), m.task().render(top.get(k).answer()));
        }
        out.println();
    }

    /** The puzzle as the model's task parsed it; an error names where the puzzle came from. */
    private static Question parsed(TrmModel m, PuzzleInput.Entry e) {
        try {
            return m.task().parse(e.puzzle());
        } catch (InvalidPuzzleException ex) {
            throw new IllegalArgumentException(e.where() + ": " + ex.getMessage(), ex);
        }
    }

    /** One line for people: who solved it, whether it verified, and what it cost. */
    static String describe(Solution s, int nSup) {
        String cost = s.copies() == 1
                ? s.steps() + (s.steps() == 1 ? " step" : " steps") + " of N_sup " + nSup + " (stopped: " + s.haltReason() + ")"
                : s.copies() + " copies, " + s.totalSteps() + " steps in all (the answer's copy: " + s.steps() + " steps, stopped: "
                        + s.haltReason() + ")";
        if (Solution.EXACT.equals(s.solvedBy())) {
            return "solved by the exact solver after the model verified no answer; model: " + cost;
        }
        if (s.solved()) {
            return "solved by the model and verified: " + cost;
        }
        Candidate top = s.candidates().isEmpty() ? null : s.candidates().get(0);
        return "NOT solved: no answer verified; " + cost
                + (top != null && s.copies() > 1 ? "; shown: the answer " + top.votes() + " of " + s.copies() + " copies gave" : "");
    }

    private int exact(PuzzleInput input) {
        PrintWriter out = spec.commandLine().getOut();
        int unsolved = 0;
        for (List<PuzzleInput.Entry> batch = input.take(runtime.batch()); !batch.isEmpty(); batch = input.take(runtime.batch())) {
            for (PuzzleInput.Entry e : batch) {
                SudokuGrid q;
                try {
                    q = SudokuGrid.parse(e.puzzle()).requireConsistent();
                } catch (PuzzleException ex) {
                    throw new IllegalArgumentException(e.where() + ": " + ex.getMessage(), ex);
                }
                long t0 = System.nanoTime();
                SudokuSolver.Result r = SudokuSolver.solve(q, 2);
                double ms = (System.nanoTime() - t0) / 1e6;
                unsolved += r.firstSolution() == null ? 1 : 0;
                if (json) {
                    ObjectNode o = JSON.createObjectNode();
                    o.put("where", e.where());
                    o.put("puzzle", q.toLine());
                    o.put("solved", r.firstSolution() != null);
                    o.put("solved_by", Solution.EXACT);
                    o.put("answer", r.firstSolution() == null ? null : r.firstSolution().toLine());
                    o.put("unique", r.isUnique());
                    o.put("dead_ends", r.deadEnds());
                    o.put("ms", ms);
                    out.println(o);
                } else if (r.firstSolution() == null) {
                    out.printf("%s: no solution (%d dead ends, %.2f ms)%n", e.where(), r.deadEnds(), ms);
                } else {
                    out.print(r.firstSolution().render());
                    out.printf("%s: solved by the exact solver in %.2f ms, %d dead ends, %s%n%n", e.where(), ms, r.deadEnds(),
                            r.isUnique() ? "unique solution" : "more than one solution");
                }
            }
            ClosedOutputException.check(out);
        }
        return unsolved == 0 ? 0 : Trm.EXIT_BAD_INPUT;
    }
}
