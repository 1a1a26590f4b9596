package dev.trm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.InvalidPuzzleException;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.Solver;
import dev.trm.runtime.TrmModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The continuous solver (what {@code trm serve} drives): puzzles join and leave between steps, each keeping its own answer. */
class ContinuousSolverTest {
    private static TrmModel model;
    private static List<String> puzzles;

    @BeforeAll
    static void load() {
        model = TrmModel.load(Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx"), RuntimeConfig.cpu());
        SudokuGenerator gen = new SudokuGenerator(5);
        puzzles = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            puzzles.add(gen.next(SudokuGenerator.Difficulty.givens(22, 26)).question().toLine());
        }
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    /** Steps until the solver is done, collecting what finishes by id. */
    private static Map<Integer, Solution> runOut(Solver solver, Map<Integer, Solution> into) {
        while (!solver.isDone()) {
            solver.step();
            solver.takeFinished().forEach(f -> into.put(f.id(), f.solution()));
        }
        return into;
    }

    @Test
    void puzzlesThatJoinBetweenStepsWithTheirOwnPolicyAndEffortGetTheAnswersTheyGetAlone() {
        HaltPolicy verified = HaltPolicy.parse("verified+q-halt");
        Effort adaptive = Effort.adaptive();
        Effort plain = Effort.plain();
        Map<Integer, Solution> got = new HashMap<>();
        Map<Integer, String> expected = new HashMap<>();
        try (Solver solver = model.continuousSolver(null)) {
            for (int i = 0; i < puzzles.size(); i++) {
                boolean fixed = i % 2 == 0;
                HaltPolicy policy = fixed ? HaltPolicy.fixed() : verified;
                Effort effort = fixed ? plain : adaptive;
                int id = solver.add(puzzles.get(i), policy, effort);
                expected.put(id, model.solve(puzzles.get(i), policy, effort).answer());
                solver.step(); // the next puzzle joins a running batch
                solver.takeFinished().forEach(f -> got.put(f.id(), f.solution()));
            }
            runOut(solver, got);
        }
        assertEquals(expected.keySet(), got.keySet());
        expected.forEach((id, answer) -> assertEquals(answer, got.get(id).answer(), "puzzle " + id));
    }

    @Test
    void aCancelledPuzzleLeavesTheBatchAtOnceAndTheOthersGoOn() {
        Map<Integer, Solution> got = new HashMap<>();
        try (Solver solver = model.continuousSolver(null)) {
            int stays = solver.add(puzzles.get(0), HaltPolicy.fixed(), Effort.parse("1x12"));
            int leaves = solver.add(puzzles.get(1), HaltPolicy.fixed(), Effort.parse("2x50"));
            solver.step();
            solver.step();
            assertEquals(3, solver.batchSize());
            assertTrue(solver.cancel(leaves));
            assertFalse(solver.cancel(leaves), "cancelled once only");
            assertEquals(1, solver.batchSize());
            runOut(solver, got);
            assertEquals(List.of(stays), new ArrayList<>(got.keySet()));
        }
        Solution alone = model.solve(puzzles.get(0), HaltPolicy.fixed(), Effort.parse("1x12"));
        assertEquals(alone.answer(), got.get(0).answer());
        assertEquals(12, got.get(0).steps());
    }

    @Test
    void aContinuousSolverKeepsNoSolutionsAndRefusesABadPuzzleWithoutHarmToTheBatch() {
        try (Solver solver = model.continuousSolver(null)) {
            assertTrue(solver.isDone());
            solver.add(puzzles.get(0), HaltPolicy.fixed(), Effort.parse("1x3"));
            solver.step();
            assertThrows(InvalidPuzzleException.class, () -> solver.add("12345", HaltPolicy.fixed(), Effort.plain()));
            Map<Integer, Solution> got = runOut(solver, new HashMap<>());
            assertEquals(model.solve(puzzles.get(0), HaltPolicy.fixed(), Effort.parse("1x3")).answer(), got.get(0).answer());
            assertThrows(IllegalStateException.class, solver::solutions);
        }
    }

    @Test
    void copiesPastTheLaneBoundWaitTheirTurnAndEveryPuzzleGetsItsAnswerAlone() {
        Effort escalating = Effort.parse("1x2,3x4"); // a puzzle not verified in 2 steps brings 3 copies, which run together
        HaltPolicy verified = HaltPolicy.parse("verified");
        Map<Integer, Solution> got = new HashMap<>();
        int most = 0;
        int waited = 0;
        try (Solver solver = model.continuousSolver(null, 4)) {
            for (String p : puzzles.subList(0, 3)) {
                solver.add(p, verified, escalating);
            }
            while (!solver.isDone()) {
                most = Math.max(most, solver.batchSize());
                waited = Math.max(waited, solver.waitingLanes());
                solver.step();
                solver.takeFinished().forEach(f -> got.put(f.id(), f.solution()));
            }
        }
        assertTrue(most <= 4, "never past the bound: " + most);
        assertTrue(waited > 0, "copies waited their turn");
        for (int i = 0; i < 3; i++) {
            Solution alone = model.solve(puzzles.get(i), verified, escalating);
            assertEquals(alone.answer(), got.get(i).answer(), "puzzle " + i);
            assertEquals(alone.copies(), got.get(i).copies(), "puzzle " + i);
            assertEquals(alone.totalSteps(), got.get(i).totalSteps(), "puzzle " + i);
            assertEquals(alone.steps(), got.get(i).steps(), "puzzle " + i);
        }
    }

    @Test
    void aParkedPuzzleRunsOnFromWhereItWasWithTheAnswerItHasAlone() {
        Effort forty = Effort.parse("1x40");
        Map<Integer, Solution> got = new HashMap<>();
        try (Solver solver = model.continuousSolver(null, 2)) {
            int parked = solver.add(puzzles.get(0), HaltPolicy.fixed(), forty);
            for (int i = 0; i < 10; i++) {
                solver.step();
            }
            assertTrue(solver.park(parked));
            assertFalse(solver.park(parked), "parked once only");
            assertTrue(solver.isDone(), "a parked puzzle runs no step");
            int other = solver.add(puzzles.get(1), HaltPolicy.fixed(), Effort.parse("1x5"));
            runOut(solver, got);
            assertEquals(List.of(other), new ArrayList<>(got.keySet()));
            assertTrue(solver.resume(parked));
            runOut(solver, got);
        }
        Solution alone = model.solve(puzzles.get(0), HaltPolicy.fixed(), forty);
        assertEquals(alone.answer(), got.get(0).answer());
        assertEquals(40, got.get(0).steps());
        org.junit.jupiter.api.Assertions.assertArrayEquals(alone.haltProbabilities(), got.get(0).haltProbabilities(),
                "every step's halt probability is the one it has alone");
    }
}
