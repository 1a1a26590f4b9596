package dev.trm.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorecardTest {
    static final String PUZZLE = RuntimeUnitTest.PUZZLE;
    static final String SOLUTION = RuntimeUnitTest.SOLUTION;
    static final String WRONG = SOLUTION.substring(0, 80) + "1";
    static final PuzzleTask SUDOKU = PuzzleTasks.forName("sudoku");

    private static Solution solution(String answer, String by, int stage, List<Candidate> candidates) {
        return new Solution(PUZZLE, answer, 3, 0, HaltPolicy.MAX_STEPS, new float[] {0.5f, 0.6f, 0.7f},
                SUDOKU.isSolution(PUZZLE, answer), 0, candidates.size(), 3 * candidates.size(), stage, candidates, by);
    }

    private static Candidate candidate(String answer, int votes, double p) {
        return new Candidate(answer, votes, p, p);
    }

    @Test
    void anAnswerIsExactOnlyWhenTheModelGaveTheLabelNeverWhenTheExactSolverDid() {
        assertTrue(Scorecard.isExact(Solution.MODEL, SOLUTION, SOLUTION));
        assertFalse(Scorecard.isExact(Solution.EXACT, SOLUTION, SOLUTION));
        assertFalse(Scorecard.isExact(Solution.MODEL, WRONG, SOLUTION));
        assertFalse(Scorecard.isExact(Solution.MODEL, null, SOLUTION));
    }

    @Test
    void theScorecardCountsExactSolvedFallbackStepsAndCopies() {
        List<Solution> sols = List.of(solution(SOLUTION, Solution.MODEL, 0, List.of(candidate(SOLUTION, 1, 0.9))),
                solution(SOLUTION, Solution.EXACT, 1, List.of(candidate(WRONG, 2, 0.4), candidate(SOLUTION, 1, 0.8))),
                solution(WRONG, Solution.MODEL, 1, List.of(candidate(WRONG, 1, 0.3))));
        Scorecard s = Scorecard.of(SUDOKU, sols, List.of(SOLUTION, SOLUTION, SOLUTION));
        assertEquals(3, s.puzzles());
        assertEquals(1, s.exact(), "the fallback's right answer does not count");
        assertEquals(1, s.solved());
        assertEquals(1, s.byExact());
        assertEquals(12, s.steps());
        assertEquals(4, s.copies());
        assertTrue(Double.isNaN(s.pathCellAccuracy()), "no maze, no path cells");

        Scorecard any = Scorecard.of(SUDOKU, sols, List.of(SOLUTION, SOLUTION, SOLUTION), Scorecard.ANY_COPY);
        assertEquals(1, any.exact(), "a copy of the fallback's puzzle was right, but the puzzle is not the model's answer");
        Scorecard halt = Scorecard.of(SUDOKU, sols, List.of(SOLUTION, SOLUTION, SOLUTION), Scorecard.pickedBy(Pick.HALT));
        assertEquals(1, halt.exact());
    }

    @Test
    void byStageCountsAPuzzleExactFromTheStageItEndedInOnward() {
        Effort effort = Effort.parse("1xN,4x2N,8x4N");
        List<Solution> sols = List.of(solution(SOLUTION, Solution.MODEL, 0, List.of(candidate(SOLUTION, 1, 0.9))),
                solution(SOLUTION, Solution.MODEL, 2, List.of(candidate(SOLUTION, 5, 0.9))),
                solution(WRONG, Solution.MODEL, 2, List.of(candidate(WRONG, 8, 0.2))));
        Scorecard.ByStage by = Scorecard.ByStage.of(effort, sols, List.of(SOLUTION, SOLUTION, SOLUTION));
        assertArrayEquals(new int[] {1, 1, 2}, by.exactBy());
        assertArrayEquals(new int[] {3, 2, 2}, by.entered());
    }

    @Test
    void theSweepGridHasOneSeriesPerKindOfCopyAndBudgetOverOneToEightCopies() {
        Scorecard.Sweep grid = Scorecard.Sweep.of(List.of("0.3+sym"), List.of(1, 2));
        assertEquals(4, grid.series().size());
        assertEquals("symmetry copies, 1 N_sup", grid.series().get(0).name());
        assertEquals(List.of("1x1N", "2x1N", "4x1N", "8x1N"), grid.series().get(0).efforts());
        assertEquals("noisy copies ~0.3, with symmetries, 2 N_sup", grid.series().get(3).name());
        assertEquals(List.of("1x2N~0.3+sym", "2x2N~0.3+sym", "4x2N~0.3+sym", "8x2N~0.3+sym"), grid.series().get(3).efforts());
        for (Scorecard.Sweep.Series s : grid.series()) {
            s.efforts().forEach(Effort::parse); // every effort of the grid parses
        }
    }

    @Test
    void aSolveConfigComesBackFromJavaSerializationWithItsPolicyAndEffortParsedAgain() throws Exception {
        SolveConfig c = SolveConfig.parse("verified+q-halt:0.7", "1xN,4x2N@halt", "exact", 9);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        SolveConfig back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (SolveConfig) in.readObject();
        }
        assertEquals(c, back);
        assertEquals(c.effort(), back.effort(), "the effort, with its seed, pick and fallback");
        assertEquals(Pick.HALT, back.effort().pick());
        assertTrue(back.effort().fallback());
        assertEquals(9, back.effort().seed());
        Question q = SUDOKU.parse(PUZZLE);
        for (StepState state : List.of(new StepState(q, true, 0, 1, SOLUTION, 0.1f, 0), new StepState(q, true, 0, 1, WRONG, 0.8f, 0),
                new StepState(q, true, 0, 1, WRONG, 0.6f, 0))) {
            assertEquals(c.policy().halt(state), back.policy().halt(state), "verified+q-halt:0.7 on " + state.haltProbability());
        }
        assertFalse(back.policy().halt(new StepState(q, true, 0, 1, WRONG, 0.6f, 0)), "the threshold 0.7 came back");
    }
}
