package dev.trm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.data.SharedData;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.Provider;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.Solver;
import dev.trm.runtime.StepContract;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One answer per puzzle, whatever its batch-mates and the thread count: the shipped model run on
 * rows 2-26 of train_1k (hard puzzles the model mostly does not solve, so all 32 steps run and
 * near-tied cells can flip), all in one batch, and each alone on one and on two threads.
 */
class BatchInvarianceTest {
    private static final Path MODEL = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx");

    private static List<String> puzzles() throws IOException {
        List<String> rows = Files.readAllLines(SharedData.file("sudoku/train_1k.csv"));
        List<String> out = new ArrayList<>();
        for (String row : rows.subList(1, 26)) {
            out.add(row.split(",")[1]);
        }
        return out;
    }

    @Test
    void aPuzzleGetsTheSameAnswerAloneAsInABatchOnOneThreadOrTwo() throws IOException {
        List<String> puzzles = puzzles();
        List<Solution> batched;
        try (TrmModel two = TrmModel.load(MODEL, new RuntimeConfig(Provider.CPU, 2, 0))) {
            batched = two.solveAll(puzzles, HaltPolicy.fixed(), Effort.plain(), puzzles.size(), null);
            for (int i = 0; i < puzzles.size(); i++) {
                assertEquals(batched.get(i).answer(), two.solve(puzzles.get(i), HaltPolicy.fixed(), Effort.plain()).answer(), "row " + (i + 2) + " alone, 2 threads");
            }
        }
        try (TrmModel one = TrmModel.load(MODEL, new RuntimeConfig(Provider.CPU, 1, 0))) {
            List<Solution> batchedOnOne = one.solveAll(puzzles, HaltPolicy.fixed(), Effort.plain(), 7, null);
            for (int i = 0; i < puzzles.size(); i++) {
                assertEquals(batched.get(i).answer(), batchedOnOne.get(i).answer(), "row " + (i + 2) + " in batches of 7, 1 thread");
                assertEquals(batched.get(i).answer(), one.solve(puzzles.get(i), HaltPolicy.fixed(), Effort.plain()).answer(), "row " + (i + 2) + " alone, 1 thread");
            }
        }
    }

    @Test
    void theShippedModelRunsALonePuzzleAloneAndAFileWithoutTheMarkBesideACopy() throws IOException {
        String puzzle = puzzles().get(0);
        byte[] file = Files.readAllBytes(MODEL);
        try (TrmModel shipped = TrmModel.load(file, RuntimeConfig.cpu())) {
            assertEquals(1, rowsOfALonePuzzlesStep(shipped, puzzle), "the shipped model carries " + StepContract.BATCH_INVARIANT);
        }
        // an older file: the same graph, its mark renamed in place (a key of the same length keeps the protobuf valid)
        byte[] older = replaceOnce(file, StepContract.BATCH_INVARIANT, StepContract.BATCH_INVARIANT.replace("batch", "xxxxx"));
        try (TrmModel unmarked = TrmModel.load(older, RuntimeConfig.cpu())) {
            assertEquals(2, rowsOfALonePuzzlesStep(unmarked, puzzle));
        }
    }

    private static int rowsOfALonePuzzlesStep(TrmModel model, String puzzle) {
        try (Solver solver = model.solver(List.of(puzzle), HaltPolicy.fixed(), Effort.plain(), null)) {
            solver.step();
            return solver.lastStepRows();
        }
    }

    private static byte[] replaceOnce(byte[] bytes, String from, String to) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(from);
        assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0, "the key occurs once");
        return (text.substring(0, at) + to + text.substring(at + from.length())).getBytes(StandardCharsets.ISO_8859_1);
    }
}
