package dev.trm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.Candidate;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.StepContract;
import dev.trm.runtime.TrmModel;
import dev.trm.train.Recipe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model the toolkit ships ({@code models/sudoku-default.onnx}) in the runtime: it loads with its
 * metadata, solves everyday puzzles, and test-time compute (more steps, augmented copies, the
 * verified answer, the exact fallback) behaves as documented on a model that really solves puzzles.
 */
class ShippedModelTest {
    /** Everyday puzzles (28-34 givens, as newspapers and apps print them), then harder ones (22-24 givens). */
    static final int EVERYDAY = 16;
    static final int HARDER = 8;
    static final int PUZZLES = EVERYDAY + HARDER;
    /** The default effort solves every one of these everyday puzzles (fixed: the same puzzles, the same model). */
    static final int EVERYDAY_SOLVED_AT_LEAST = EVERYDAY;
    static TrmModel model;
    static final List<String> puzzles = new ArrayList<>();
    static final List<String> answers = new ArrayList<>();

    @BeforeAll
    static void load() {
        model = TrmModel.load(Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx"), RuntimeConfig.cpu());
        // the plain solve gets some of them, not all
        SudokuGenerator gen = new SudokuGenerator(11);
        for (int i = 0; i < PUZZLES; i++) {
            SudokuGenerator.Puzzle p = gen.next(i < EVERYDAY ? SudokuGenerator.Difficulty.givens(28, 34)
                    : SudokuGenerator.Difficulty.givens(22, 24));
            puzzles.add(p.question().toLine());
            answers.add(p.answer().toLine());
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void theShippedModelLoadsWithItsMetadata() {
        assertEquals("sudoku", model.info().task());
        assertEquals(81, model.info().seqLen());
        assertTrue(model.info().metadata().containsKey(StepContract.TRAINING_STEP), model.info().metadata().toString());
        assertEquals("sudoku-default", model.info().metadata().get(StepContract.RECIPE), "its provenance names the recipe");
    }

    @Test
    void theShippedModelIsTheEndOfItsRecipe() {
        Recipe recipe = Recipe.get("sudoku-default");
        Recipe.Stage last = recipe.stages().get(recipe.stages().size() - 1);
        assertEquals(Long.toString(recipe.lastStep()), model.info().metadata().get(StepContract.TRAINING_STEP),
                "trained to the recipe's last step");
        assertEquals(last.haltMaxSteps(), model.info().haltMaxSteps(), "with the last stage's N_sup");
    }

    @Test
    void theDefaultEffortSolvesEverydayPuzzlesByTheModelAlone() {
        List<Solution> solved = model.solveAll(puzzles.subList(0, EVERYDAY), HaltPolicy.verified(), Effort.adaptive(), 8, null);
        int right = 0;
        for (int i = 0; i < EVERYDAY; i++) {
            Solution s = solved.get(i);
            if (s.solvedByModel()) {
                right++;
                assertEquals(answers.get(i), s.answer(), "a verified answer is the puzzle's unique solution");
            }
        }
        assertTrue(right >= EVERYDAY_SOLVED_AT_LEAST, right + " of " + EVERYDAY + " everyday puzzles solved");
    }

    @Test
    void budgetsAreRespectedAndMayPassNSup() {
        int nSup = model.info().haltMaxSteps();
        for (Solution s : model.solveAll(puzzles, HaltPolicy.fixed(), Effort.think(2 * nSup), 8, null)) {
            assertEquals(2 * nSup, s.steps(), "one copy thinks past N_sup");
            assertEquals(2 * nSup, s.totalSteps());
            assertEquals(1, s.copies());
            assertEquals(2 * nSup, s.haltProbabilities().length);
        }
        for (Solution s : model.solveAll(puzzles, HaltPolicy.fixed(), Effort.copies(3, 4), 8, null)) {
            assertEquals(3, s.copies());
            assertEquals(12, s.totalSteps(), "3 copies of 4 steps, all stopping at their budget together");
            assertEquals(3, s.candidates().stream().mapToInt(Candidate::votes).sum());
        }
    }

    @Test
    void aVerifiedCopyEndsItsPuzzleAndTheAnswerIsMappedBack() {
        List<Solution> plain = model.solveAll(puzzles, HaltPolicy.verified(), Effort.plain(), 8, null);
        List<Solution> copies = model.solveAll(puzzles, HaltPolicy.verified(), Effort.copies(4, 12), 8, null);
        int plainSolved = 0;
        int solved = 0;
        for (int i = 0; i < PUZZLES; i++) {
            Solution s = copies.get(i);
            plainSolved += plain.get(i).solved() ? 1 : 0;
            if (s.haltReason().equals("verified")) {
                solved++;
                assertTrue(s.solved());
                assertEquals(answers.get(i), s.answer(), "the answer of any copy is given in the puzzle's frame");
                assertTrue(s.totalSteps() <= 4 * s.steps(), "no copy ran past the step that verified");
            } else {
                assertEquals(4 * 12, s.totalSteps());
                assertFalse(s.solved());
            }
        }
        assertTrue(plainSolved > 0 && plainSolved < PUZZLES, "the plain solve gets some, not all: " + plainSolved);
        assertTrue(solved > plainSolved, "copies verify more than one copy: " + solved + " vs " + plainSolved);
    }

    @Test
    void adaptiveEffortPaysForCopiesOnlyWhereOneCopyFails() {
        HaltPolicy verified = HaltPolicy.verified();
        List<Solution> plain = model.solveAll(puzzles, verified, Effort.plain(), 8, null);
        List<Solution> adaptive = model.solveAll(puzzles, verified, Effort.adaptive(), 8, null);
        int nSup = model.info().haltMaxSteps();
        int escalated = 0;
        for (int i = 0; i < PUZZLES; i++) {
            if (plain.get(i).solved()) {
                assertEquals(1, adaptive.get(i).copies(), "puzzle " + i);
                assertEquals(plain.get(i).steps(), adaptive.get(i).totalSteps(), "puzzle " + i + " costs what the plain solve costs");
                assertEquals(plain.get(i).answer(), adaptive.get(i).answer());
            } else {
                escalated++;
                assertTrue(adaptive.get(i).copies() > 1, "puzzle " + i);
                assertTrue(adaptive.get(i).totalSteps() <= 4 * 2 * nSup + 8 * 4 * nSup, "puzzle " + i);
            }
            assertTrue(adaptive.get(i).solved() || !plain.get(i).solved());
        }
        assertTrue(escalated > 0, "some puzzles need more than one copy");
    }

    @Test
    void copiesWithCompactionEqualSolvingEachPuzzleAlone() {
        HaltPolicy policy = HaltPolicy.verified().or(HaltPolicy.qHalt(0.5));
        Effort effort = Effort.adaptive();
        List<Solution> batch = model.solveAll(puzzles, policy, effort, PUZZLES, null);
        for (int i = 0; i < PUZZLES; i++) {
            Solution one = model.solve(puzzles.get(i), policy, effort);
            assertEquals(one.answer(), batch.get(i).answer(), "puzzle " + i);
            assertEquals(one.copies(), batch.get(i).copies(), "puzzle " + i);
            assertEquals(one.totalSteps(), batch.get(i).totalSteps(), "puzzle " + i);
            assertEquals(one.haltReason(), batch.get(i).haltReason(), "puzzle " + i);
        }
    }

    @Test
    void theExactFallbackIsLabelledAndNeverCountsAsTheModels() {
        List<Solution> plain = model.solveAll(puzzles, HaltPolicy.fixed(), Effort.plain(), 8, null);
        List<Solution> fallback = model.solveAll(puzzles, HaltPolicy.fixed(), Effort.plain().withFallback(true), 8, null);
        int byExact = 0;
        for (int i = 0; i < PUZZLES; i++) {
            assertTrue(fallback.get(i).solved(), "the exact solver completes every puzzle");
            assertEquals(answers.get(i), fallback.get(i).answer());
            if (plain.get(i).solved()) {
                assertEquals(Solution.MODEL, fallback.get(i).solvedBy());
                assertTrue(fallback.get(i).solvedByModel());
            } else {
                byExact++;
                assertEquals(Solution.EXACT, fallback.get(i).solvedBy());
                assertFalse(fallback.get(i).solvedByModel());
            }
        }
        assertTrue(byExact > 0, "the model leaves some puzzles to the exact solver");
    }
}
