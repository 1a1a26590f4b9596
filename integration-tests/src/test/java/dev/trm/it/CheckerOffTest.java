package dev.trm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.Pick;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.StepState;
import dev.trm.runtime.TrmModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An effort with the checker off solves as a task without a checker would: no copy ends its puzzle
 * by being right, every copy runs its budget, and the answer is the one its pick chooses from the
 * copies' last answers. The shipped model on everyday puzzles, which it solves in a step or two.
 */
class CheckerOffTest {
    private static final Path MODEL = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx");
    private static final String EFFORT = "1x4,8x4~~1.0";
    /** Copy 0's 4 steps, then 7 new copies of 4 steps each. */
    private static final int ALL_STEPS = 4 + 7 * 4;
    private static final int COPIES = 8;

    private static List<String> generated(int n, int fewestGivens, int mostGivens) {
        SudokuGenerator g = new SudokuGenerator(11);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(g.next(SudokuGenerator.Difficulty.givens(fewestGivens, mostGivens)).question().toLine());
        }
        return out;
    }

    @Test
    void withTheCheckerOffEveryCopyRunsItsBudgetAndTheAnswerIsThePicksChoice() {
        List<String> everyday = generated(2, 40, 45);
        // harder ones, on which the copies disagree: on one of them the surest copy is not the most voted
        List<String> puzzles = generated(8, 21, 24);
        try (TrmModel m = TrmModel.load(MODEL, RuntimeConfig.cpu())) {
            List<Solution> checked = m.solveAll(everyday, HaltPolicy.verified(), Effort.parse(EFFORT), everyday.size(), null);
            assertTrue(checked.stream().allMatch(s -> s.totalSteps() < ALL_STEPS), "with the checker, a right copy ends its puzzle early");
            int picksDisagree = 0;
            for (Pick pick : Pick.values()) {
                Map<String, StepState> lastOfEachCopy = new HashMap<>();
                Effort effort = Effort.parse(EFFORT).withPick(pick).withChecker(false);
                List<Solution> picked = m.solveAll(puzzles, HaltPolicy.verified(), effort, puzzles.size(),
                        s -> lastOfEachCopy.put(s.puzzle() + "/" + s.copy(), s));
                for (int i = 0; i < puzzles.size(); i++) {
                    Solution s = picked.get(i);
                    assertEquals(ALL_STEPS, s.totalSteps(), pick + ": every copy ran its budget (verified cannot fire)");
                    assertEquals(COPIES, s.copies());
                    List<StepState> copies = new ArrayList<>();
                    for (int c = 0; c < s.copies(); c++) {
                        copies.add(lastOfEachCopy.get(puzzles.get(i) + "/" + c));
                    }
                    assertEquals(expectedAnswer(pick, copies), s.answer(), pick + " on puzzle " + i);
                    if (pick == Pick.HALT && !s.answer().equals(expectedAnswer(Pick.VOTES, copies))) {
                        picksDisagree++;
                    }
                }
            }
            assertTrue(picksDisagree > 0, "some puzzle where the surest copy is not the most voted: the test tells picks apart");
        }
    }

    /** The pick's answer, computed from the copies' last steps without the runtime's grouping. */
    private static String expectedAnswer(Pick pick, List<StepState> copies) {
        Map<String, Integer> votes = new HashMap<>();
        Map<String, Double> sum = new HashMap<>();
        Map<String, Double> max = new HashMap<>();
        for (StepState c : copies) {
            votes.merge(c.answer(), 1, Integer::sum);
            sum.merge(c.answer(), (double) c.haltProbability(), Double::sum);
            max.merge(c.answer(), (double) c.haltProbability(), Math::max);
        }
        String best = null;
        for (StepState c : copies) { // in copy order: the first of equals stays
            String a = c.answer();
            if (best == null || better(pick, a, best, votes, sum, max)) {
                best = a;
            }
        }
        return best;
    }

    private static boolean better(Pick pick, String a, String b, Map<String, Integer> votes, Map<String, Double> sum, Map<String, Double> max) {
        double[] ka = key(pick, votes.get(a), sum.get(a), max.get(a));
        double[] kb = key(pick, votes.get(b), sum.get(b), max.get(b));
        return ka[0] > kb[0] || (ka[0] == kb[0] && ka[1] > kb[1]);
    }

    private static double[] key(Pick pick, int votes, double sum, double max) {
        return switch (pick) {
            case VOTES -> new double[] {votes, sum / votes};
            case HALT -> new double[] {max, votes};
            case WEIGHTED -> new double[] {sum, max};
        };
    }
}
