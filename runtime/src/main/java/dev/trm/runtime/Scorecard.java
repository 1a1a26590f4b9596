package dev.trm.runtime;

import dev.trm.task.maze.MazeGrid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What a set of solutions got right against its labels, and what it cost: the one definition of an
 * exact answer that {@code trm eval}, Spark's evaluation and the tests share, the counts of
 * {@code trm eval}'s table, the accuracy by effort stage and the grid of the accuracy-against-compute
 * sweep.
 *
 * @param puzzles   solutions scored
 * @param exact     answers that are the label and the model's own ({@link #isExact})
 * @param solved    the model's own answers that the task's checker accepts (a maze: any shortest path)
 * @param byExact   puzzles the exact solver completed (the fallback; never counted as exact)
 * @param steps     supervision steps over every copy
 * @param copies    copies over every puzzle
 * @param pathCells for mazes, the labels' path cells; 0 for other tasks
 * @param pathRight of those, the cells the model's answers mark as path
 */
public record Scorecard(int puzzles, int exact, int solved, int byExact, long steps, long copies, long pathCells, long pathRight) {

    /** How a puzzle is answered for scoring, from its solution and its label. */
    public interface Answering {
        String answer(Solution solution, String label);
    }

    /** The answer the solver gave. */
    public static final Answering GIVEN = (s, label) -> s.answer();

    /** The label if any of the puzzle's copies gave it, else the answer given: the ceiling no pick can beat. */
    public static final Answering ANY_COPY = (s, label) ->
            s.candidates().stream().anyMatch(c -> c.answer().equals(label)) ? label : s.answer();

    /** The answer {@code pick} ranks first among the puzzle's copies. */
    public static Answering pickedBy(Pick pick) {
        return (s, label) -> pick.rank(s.candidates()).get(0).answer();
    }

    /**
     * The definition of an exact answer: the label, given by the model itself (an answer the exact
     * solver supplied never counts).
     */
    public static boolean isExact(String solvedBy, String answer, String label) {
        return Solution.MODEL.equals(solvedBy) && answer != null && answer.equals(label);
    }

    /** Whether the solution's own answer is exact. */
    public static boolean isExact(Solution s, String label) {
        return isExact(s.solvedBy(), s.answer(), label);
    }

    /** Scores the solutions (in the order of their labels) as the solver answered them. */
    public static Scorecard of(PuzzleTask task, List<Solution> solutions, List<String> labels) {
        return of(task, solutions, labels, GIVEN);
    }

    /** Scores the solutions, each puzzle answered as {@code answering} says. */
    public static Scorecard of(PuzzleTask task, List<Solution> solutions, List<String> labels, Answering answering) {
        if (solutions.size() != labels.size()) {
            throw new IllegalArgumentException(solutions.size() + " solutions for " + labels.size() + " labels");
        }
        int exact = 0;
        int solved = 0;
        int byExact = 0;
        long steps = 0;
        long copies = 0;
        long pathCells = 0;
        long pathRight = 0;
        for (int i = 0; i < solutions.size(); i++) {
            Solution s = solutions.get(i);
            String label = labels.get(i);
            String answer = answering.answer(s, label);
            boolean byModel = Solution.MODEL.equals(s.solvedBy());
            exact += isExact(s.solvedBy(), answer, label) ? 1 : 0;
            solved += byModel && task.isSolution(s.puzzle(), answer) ? 1 : 0;
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
        return new Scorecard(solutions.size(), exact, solved, byExact, steps, copies, pathCells, pathRight);
    }

    public double accuracy() {
        return puzzles == 0 ? 0 : (double) exact / puzzles;
    }

    public double meanSteps() {
        return puzzles == 0 ? 0 : (double) steps / puzzles;
    }

    public double meanCopies() {
        return puzzles == 0 ? 0 : (double) copies / puzzles;
    }

    /** The share of the labels' path cells marked as path (NaN where the labels have none: not a maze). */
    public double pathCellAccuracy() {
        return pathCells == 0 ? Double.NaN : (double) pathRight / pathCells;
    }

    /**
     * An effort of several stages, had it ended after each one: the stages are nested, so a puzzle
     * exact by stage k is exact under the effort cut there.
     *
     * @param exactBy puzzles exact by the end of each stage
     * @param entered puzzles that entered each stage
     */
    public record ByStage(int[] exactBy, int[] entered) {
        public static ByStage of(Effort effort, List<Solution> solutions, List<String> labels) {
            int stages = effort.stages().size();
            int[] exactBy = new int[stages];
            int[] entered = new int[stages];
            for (int i = 0; i < solutions.size(); i++) {
                Solution s = solutions.get(i);
                for (int k = 0; k <= s.stage(); k++) {
                    entered[k]++;
                }
                if (isExact(s, labels.get(i))) {
                    for (int k = s.stage(); k < stages; k++) {
                        exactBy[k]++;
                    }
                }
            }
            return new ByStage(exactBy, entered);
        }
    }

    /**
     * The sweep of accuracy against test-time compute: for each kind of copy (symmetry copies, or
     * noisy ones per sigma) and each step budget, one series over 1, 2, 4 and 8 copies.
     */
    public record Sweep(List<Series> series) {
        /** Copies along each series. */
        public static final List<Integer> COPIES = Collections.unmodifiableList(Arrays.asList(1, 2, 4, 8));

        /**
         * One line of the plot: its name, its step budget (in N_sup) and the efforts along it, one per
         * copy count of {@link #COPIES}. The one-copy effort of every series of a budget is the same
         * solve: copy 0 is never noisy.
         */
        public record Series(String name, int budget, List<String> efforts) {
        }

        /**
         * The grid.
         *
         * @param noises  sigmas of noisy copies ({@code 0.3}, {@code 0.3+sym}); the symmetry copies' series come first
         * @param budgets step budgets as multiples of N_sup
         */
        public static Sweep of(List<String> noises, List<Integer> budgets) {
            List<String> kinds = new ArrayList<>();
            kinds.add("");
            noises.forEach(sigma -> kinds.add("~" + sigma));
            List<Series> series = new ArrayList<>();
            for (String kind : kinds) {
                for (int k : budgets) {
                    String name = (kind.isEmpty() ? "symmetry copies" : "noisy copies " + kind.replace("+sym", ", with symmetries"))
                            + (budgets.size() > 1 ? ", " + k + " N_sup" : "");
                    List<String> efforts = new ArrayList<>();
                    for (int copies : COPIES) {
                        efforts.add(copies + "x" + k + "N" + kind);
                    }
                    series.add(new Series(name, k, efforts));
                }
            }
            return new Sweep(series);
        }
    }
}
