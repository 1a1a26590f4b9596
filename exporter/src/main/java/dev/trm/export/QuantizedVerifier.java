package dev.trm.export;

import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.TrmModel;
import java.util.List;

/**
 * Checks a quantized (or fp16) step by what it answers, not by 1e-4 parity: it and the fp32 step
 * each solve the same puzzles (all N_sup steps, one copy). On the puzzles the fp32 step solves, the
 * quantized step must give the same answer on at least {@link #MIN_SAME_ANSWERS} of them, and it
 * may lose at most {@link #MAX_ACCURACY_LOSS} of exact accuracy; with fewer than
 * {@link #MIN_SOLVED_TO_JUDGE} puzzles solved by the fp32 step there is nothing to compare and the
 * check fails. (Wrong answers of the two may
 * differ in their wrong cells; the share of equal cells over all puzzles is reported.) A recursive
 * model feeds its own outputs back, so errors could grow over steps: only whole solves show whether
 * they do.
 */
public final class QuantizedVerifier {
    /** Fraction of the fp32 step's solved puzzles the quantized step must answer the same. */
    public static final double MIN_SAME_ANSWERS = 0.99;
    /** Exact accuracy the quantized step may lose, in fractions (0.005 = half a point). */
    public static final double MAX_ACCURACY_LOSS = 0.005;
    /**
     * Fewest puzzles the fp32 step must solve for the comparison to judge anything: a model that
     * solves none (random weights, the wrong verification set) would otherwise pass with nothing
     * compared. Give {@code --verify-data} with puzzles the model solves.
     */
    public static final int MIN_SOLVED_TO_JUDGE = 5;

    /**
     * What the two steps did on the same puzzles.
     *
     * @param puzzles         puzzles solved
     * @param sameWhereSolved fraction of the fp32 step's solved puzzles with the same answer (1 when it solved none)
     * @param sameCells       fraction of cells, over all puzzles, where the two answers agree
     * @param sameHalts       fraction whose q_halt &gt; 0 at the last step agrees
     * @param fp32Accuracy    exact accuracy of the fp32 step
     * @param accuracy        exact accuracy of the quantized step
     */
    public record Report(int puzzles, double sameWhereSolved, double sameCells, double sameHalts, double fp32Accuracy,
                         double accuracy) {
        public boolean passed() {
            return canJudge() && sameWhereSolved >= MIN_SAME_ANSWERS && fp32Accuracy - accuracy <= MAX_ACCURACY_LOSS;
        }

        /** Whether the fp32 step solved enough puzzles for the answers to be compared. */
        public boolean canJudge() {
            return Math.round(fp32Accuracy * puzzles) >= MIN_SOLVED_TO_JUDGE;
        }

        public String table() {
            if (!canJudge()) {
                return String.format("against the fp32 step on %d puzzles: the fp32 step solves %d of them, fewer than the %d needed to"
                        + " compare answers: CANNOT JUDGE (give puzzles the model solves with --verify-data FILE, or skip the check with"
                        + " --no-verify)%n",
                        puzzles, Math.round(fp32Accuracy * puzzles), MIN_SOLVED_TO_JUDGE);
            }
            return String.format("against the fp32 step on %d puzzles (N_sup steps, one copy): same answer on %.2f%% of the puzzles"
                    + " fp32 solves (bound >= %.0f%%), same cells %.2f%%, same halting %.2f%%, exact accuracy %.2f%% -> %.2f%%"
                    + " (loss bound %.1f points): %s%n", puzzles, 100 * sameWhereSolved, 100 * MIN_SAME_ANSWERS, 100 * sameCells,
                    100 * sameHalts, 100 * fp32Accuracy, 100 * accuracy, 100 * MAX_ACCURACY_LOSS, passed() ? "PASS" : "FAIL");
        }
    }

    private QuantizedVerifier() {
    }

    /**
     * @param fp32      the fp32 step file
     * @param quantized the quantized step file
     * @param puzzles   puzzles in the task's text form
     * @param answers   their solutions, same order
     */
    public static Report verify(byte[] fp32, byte[] quantized, List<String> puzzles, List<String> answers) {
        return verify(fp32, quantized, puzzles, answers, (done, total) -> { });
    }

    /** What a verification has done so far: puzzles compared, of all. */
    @FunctionalInterface
    public interface Progress {
        void compared(int done, int total);
    }

    /**
     * Verifies batch by batch, telling {@code progress} after each. If the fp32 step solves none of
     * the first batch it stops there: the set cannot judge the quantized step (a model that solves
     * nothing, or puzzles of the wrong kind), and a report saying so comes back at once.
     */
    public static Report verify(byte[] fp32, byte[] quantized, List<String> puzzles, List<String> answers, Progress progress) {
        RuntimeConfig cpu = RuntimeConfig.cpu();
        try (TrmModel reference = TrmModel.load(fp32, cpu); TrmModel q = TrmModel.load(quantized, cpu)) {
            int batch = Math.min(puzzles.size(), Exporter.DEFAULT_VERIFY_PUZZLES * 4);
            List<Solution> a = new java.util.ArrayList<>();
            List<Solution> b = new java.util.ArrayList<>();
            for (int from = 0; from < puzzles.size(); from += batch) {
                List<String> part = puzzles.subList(from, Math.min(puzzles.size(), from + batch));
                List<Solution> ref = reference.solveAll(part, HaltPolicy.fixed(), Effort.plain(), batch, null);
                if (from == 0 && countRight(ref, answers) == 0) {
                    progress.compared(part.size(), puzzles.size());
                    return new Report(part.size(), 1, 1, 1, 0, 0); // solved none: cannot judge, said at once
                }
                a.addAll(ref);
                b.addAll(q.solveAll(part, HaltPolicy.fixed(), Effort.plain(), batch, null));
                progress.compared(a.size(), puzzles.size());
            }
            int solved = 0;
            int sameSolved = 0;
            long cells = 0;
            long sameCells = 0;
            int sameHalt = 0;
            int rightB = 0;
            for (int i = 0; i < puzzles.size(); i++) {
                String x = a.get(i).answer();
                String y = b.get(i).answer();
                boolean fp32Right = x.equals(answers.get(i));
                solved += fp32Right ? 1 : 0;
                sameSolved += fp32Right && x.equals(y) ? 1 : 0;
                rightB += y.equals(answers.get(i)) ? 1 : 0;
                sameHalt += (last(a.get(i)) > 0.5) == (last(b.get(i)) > 0.5) ? 1 : 0;
                for (int k = 0; k < x.length(); k++) {
                    sameCells += x.charAt(k) == y.charAt(k) ? 1 : 0;
                }
                cells += x.length();
            }
            double n = puzzles.size();
            return new Report(puzzles.size(), solved == 0 ? 1 : (double) sameSolved / solved, (double) sameCells / cells,
                    sameHalt / n, solved / n, rightB / n);
        }
    }

    private static int countRight(List<Solution> solutions, List<String> answers) {
        int n = 0;
        for (int i = 0; i < solutions.size(); i++) {
            n += solutions.get(i).answer().equals(answers.get(i)) ? 1 : 0;
        }
        return n;
    }

    private static float last(Solution s) {
        return s.haltProbabilities()[s.haltProbabilities().length - 1];
    }
}
