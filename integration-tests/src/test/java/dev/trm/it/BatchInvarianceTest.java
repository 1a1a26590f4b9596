package dev.trm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trm.data.SharedData;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.Provider;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
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
}
