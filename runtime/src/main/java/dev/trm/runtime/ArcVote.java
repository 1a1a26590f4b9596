package dev.trm.runtime;

import dev.trm.task.arc.ArcPair;
import dev.trm.task.arc.ArcTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ARC as the reference evaluates it: every test input runs once per trained variant of its task
 * (all N_sup steps), each prediction is mapped back to the task's frame, identical answers are
 * counted, and answers rank by votes, then by mean sigmoid(q_halt). pass@K: the true output is among
 * the top K. A task scores the fraction of its test inputs solved; the headline figure is the mean
 * over tasks (the paper's ARC numbers are pass@2).
 */
public final class ArcVote {
    /** Attempts the ARC rules allow per test input. */
    public static final int ATTEMPTS = 2;

    /** One test input's ranked answers and, when its output is known, the rank of the right one (0 = not among them). */
    public record TestResult(String task, int index, List<Candidate> ranked, int copies, String expected, int rightRank) {
        public boolean passAt(int k) {
            return rightRank >= 1 && rightRank <= k;
        }

        /** The same answers ranked by another pick. */
        public TestResult rankedBy(Pick pick) {
            List<Candidate> again = pick.rank(ranked);
            return new TestResult(task, index, again, copies, expected, rankOf(again, expected));
        }
    }

    /** The 1-based rank of the expected output among the answers (0: not among them, or not known). */
    private static int rankOf(List<Candidate> ranked, String expected) {
        for (int k = 0; k < ranked.size() && expected != null; k++) {
            if (ranked.get(k).answer().equals(expected)) {
                return k + 1;
            }
        }
        return 0;
    }

    private ArcVote() {
    }

    /** The runtime's puzzle text of a test input: {@code TASK GRID}. */
    public static String puzzle(String task, ArcPair pair) {
        return task + " " + pair.input().toText();
    }

    /** Solves every test input of the tasks, {@code batch} inputs (with all their variants) at a time; answers ranked by {@code pick}. */
    public static List<TestResult> solve(TrmModel model, Map<String, ArcTask> tasks, int batch, long seed, Pick pick) {
        List<String> puzzles = new ArrayList<>();
        List<String[]> keys = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (ArcTask t : tasks.values()) {
            for (int i = 0; i < t.test().size(); i++) {
                ArcPair p = t.test().get(i);
                puzzles.add(puzzle(t.id(), p));
                keys.add(new String[] {t.id(), Integer.toString(i)});
                expected.add(p.hasOutput() ? p.output().toText() : null);
            }
        }
        Effort everyVariant = Effort.everyAugmentation().withSeed(seed).withPick(pick);
        List<Solution> solutions = model.solveAll(puzzles, HaltPolicy.fixed(), everyVariant, batch, null);
        List<TestResult> out = new ArrayList<>();
        for (int i = 0; i < solutions.size(); i++) {
            List<Candidate> ranked = solutions.get(i).candidates();
            out.add(new TestResult(keys.get(i)[0], Integer.parseInt(keys.get(i)[1]), ranked, solutions.get(i).copies(),
                    expected.get(i), rankOf(ranked, expected.get(i))));
        }
        return out;
    }

    /** Per task (in order): the fraction of its test inputs (with known outputs) solved within {@code k} attempts. */
    public static Map<String, Double> taskScores(List<TestResult> results, int k) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (TestResult r : results) {
            if (r.expected() != null) {
                int[] c = counts.computeIfAbsent(r.task(), x -> new int[2]);
                c[0] += r.passAt(k) ? 1 : 0;
                c[1]++;
            }
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        counts.forEach((task, c) -> scores.put(task, (double) c[0] / c[1]));
        return scores;
    }

    /** The mean over tasks of {@link #taskScores} (0 when no output is known). */
    public static double meanScore(List<TestResult> results, int k) {
        return taskScores(results, k).values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /** The tasks (in order) whose first test input the model's task accepts: those it was trained on. */
    public static Map<String, ArcTask> trainedOn(TrmModel model, Map<String, ArcTask> tasks) {
        Map<String, ArcTask> known = new LinkedHashMap<>();
        tasks.values().stream().filter(t -> !t.test().isEmpty() && model.task().accepts(puzzle(t.id(), t.test().get(0))))
                .forEach(t -> known.put(t.id(), t));
        return known;
    }

    /** Test inputs with a known output, of one task ({@code null}: of every task). */
    public static long testsWithOutputs(List<TestResult> results, String task) {
        return results.stream().filter(r -> r.expected() != null && (task == null || r.task().equals(task))).count();
    }
}
