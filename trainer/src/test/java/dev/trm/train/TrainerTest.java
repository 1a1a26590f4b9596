package dev.trm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.trm.Floats;
import dev.trm.data.Example;
import dev.trm.data.SudokuGenerator;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.train.RunInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    static final TrmConfig TINY = Presets.get("sudoku-mlp-tiny");

    @TempDir
    Path dir;

    static List<Example<SudokuGrid>> puzzles(int n, long seed) {
        SudokuGenerator gen = new SudokuGenerator(seed);
        List<Example<SudokuGrid>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SudokuGenerator.Puzzle p = gen.next(SudokuGenerator.Difficulty.givens(40, 45));
            out.add(new Example<>(i + 2, "test", p.question(), p.answer(), p.rating()));
        }
        return out;
    }

    static TrainConfig config(long seed) {
        return TrainConfig.builder().batchSize(4).steps(100).warmupSteps(2).emaRate(0.9f).haltExplorationProb(0.5f)
                .seed(seed).evalInterval(0).build();
    }

    static Trainer trainer(long seed) {
        return new Trainer(TINY, config(seed), PuzzleSamples.sudoku(puzzles(12, 1), true, seed), Device.cpu());
    }

    static double[] losses(Trainer t, int steps) {
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = t.step().loss();
        }
        return out;
    }

    @Test
    void sameSeedGivesBitIdenticalRuns() {
        double[] a;
        double[] b;
        double[] c;
        try (Trainer t = trainer(5)) {
            a = losses(t, 4);
        }
        try (Trainer t = trainer(5)) {
            b = losses(t, 4);
        }
        try (Trainer t = trainer(6)) {
            c = losses(t, 4);
        }
        assertArrayEquals(a, b);
        assertNotEquals(a[3], c[3]);
    }

    /**
     * At batch 16 the token-embedding gradient has more than PyTorch's grain of 32,768 elements, where
     * its indexing backward would add rows with atomics on two threads (run-to-run different sums).
     */
    @Test
    void sameSeedGivesBitIdenticalRunsAtABatchThatRunsInParallel() {
        TrainConfig c = config(7).toBuilder().batchSize(16).build();
        double[][] runs = new double[3][];
        for (int r = 0; r < runs.length; r++) {
            try (Trainer t = new Trainer(TINY, c, PuzzleSamples.sudoku(puzzles(32, 1), true, 7), Device.cpu())) {
                runs[r] = losses(t, 8);
            }
        }
        assertArrayEquals(runs[0], runs[1]);
        assertArrayEquals(runs[0], runs[2]);
    }

    @Test
    void resumeEqualsUninterrupted() throws IOException {
        double[] straight;
        float[] straightWeights;
        try (Trainer t = trainer(9)) {
            straight = losses(t, 8);
            straightWeights = t.weights().get(TrmParameters.LM_HEAD).toFloatArray();
        }
        Path file = dir.resolve("run.ckpt");
        double[] resumed = new double[8];
        try (Trainer t = trainer(9)) {
            System.arraycopy(losses(t, 4), 0, resumed, 0, 4);
            t.snapshot(new RunInfo.Builder().generated("40-45", 0, true).build()).write(file);
        }
        Checkpoint c = Checkpoint.read(file);
        assertEquals(4, c.step());
        assertEquals("40-45", c.info().generate());
        try (Trainer t = Trainer.resume(c, PuzzleSamples.sudoku(puzzles(12, 1), true, 9), Device.cpu())) {
            System.arraycopy(losses(t, 4), 0, resumed, 4, 4);
            assertArrayEquals(straightWeights, t.weights().get(TrmParameters.LM_HEAD).toFloatArray());
        }
        assertArrayEquals(straight, resumed, "the loss curve after a resume equals the uninterrupted one");
    }

    @Test
    void aFinishedRunExtendedWithMoreStepsEqualsALongerRun() throws IOException {
        double[] longer;
        try (Trainer t = new Trainer(TINY, config(5).toBuilder().steps(8).build(), PuzzleSamples.sudoku(puzzles(12, 1), true, 5),
                Device.cpu())) {
            longer = losses(t, 8);
        }
        Path file = dir.resolve("short.ckpt");
        double[] extended = new double[8];
        try (Trainer t = new Trainer(TINY, config(5).toBuilder().steps(4).build(), PuzzleSamples.sudoku(puzzles(12, 1), true, 5),
                Device.cpu())) {
            System.arraycopy(losses(t, 4), 0, extended, 0, 4);
            t.snapshot(RunInfo.empty()).write(file);
        }
        Checkpoint c = Checkpoint.read(file);
        try (Trainer t = Trainer.resume(c, c.train().withSteps(8, 0), PuzzleSamples.sudoku(puzzles(12, 1), true, 5), Device.cpu())) {
            assertEquals(8, t.trainConfig().steps());
            System.arraycopy(losses(t, 4), 0, extended, 4, 4);
        }
        assertArrayEquals(longer, extended, "with a constant rate, 4 steps extended by 4 are the same run as 8 steps");
        assertThrows(IllegalArgumentException.class,
                () -> Trainer.resume(c, c.train().toBuilder().batchSize(8).build(), PuzzleSamples.sudoku(puzzles(12, 1), true, 5),
                        Device.cpu()));
    }

    @Test
    void checkpointsAreByteIdenticalForEqualState() throws IOException {
        Path a = dir.resolve("a.ckpt");
        Path b = dir.resolve("b.ckpt");
        try (Trainer t = trainer(3)) {
            losses(t, 2);
            t.snapshot(RunInfo.empty()).write(a);
            t.snapshot(RunInfo.empty()).write(b);
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void emaIsTheExponentialAverageOfTheWeights() {
        try (Trainer t = trainer(4); NDManager m = NDManager.newBaseManager()) {
            String name = "L_level.layers.0.mlp.down_proj.weight";
            float[] before = t.weights().get(name).toFloatArray();
            t.step();
            float[] after = t.weights().get(name).toFloatArray();
            float[] ema = t.evaluationTensors().get(name).toFloatArray();
            float rate = t.trainConfig().emaRate();
            double maxErr = 0;
            for (int i = 0; i < ema.length; i++) {
                maxErr = Math.max(maxErr, Math.abs(ema[i] - (rate * before[i] + (1 - rate) * after[i])));
            }
            assertTrue(maxErr < 1e-6, "max error " + maxErr);
            assertNotEquals(before[0], after[0]);
            // buffers are not averaged: the evaluation view shares them
            NDArray hInit = t.evaluationTensors().get(TrmParameters.H_INIT);
            assertTrue(hInit == t.weights().get(TrmParameters.H_INIT));
        }
    }

    @Test
    void hrmTrainsBothOfItsNetworks() {
        TrmConfig hrm = Presets.get("hrm-sudoku-tiny");
        try (Trainer t = new Trainer(hrm, config(5), PuzzleSamples.sudoku(puzzles(12, 1), true, 5), Device.cpu())) {
            String h = TrmParameters.hBlock(0) + "mlp.down_proj.weight";
            String l = TrmParameters.block(0) + "mlp.down_proj.weight";
            float[] hBefore = t.weights().get(h).toFloatArray();
            float[] lBefore = t.weights().get(l).toFloatArray();
            double[] loss = losses(t, 2);
            assertTrue(Double.isFinite(loss[0]) && Double.isFinite(loss[1]), Arrays.toString(loss));
            assertFalse(Arrays.equals(hBefore, t.weights().get(h).toFloatArray()), "the H network (y) learned");
            assertFalse(Arrays.equals(lBefore, t.weights().get(l).toFloatArray()), "the L network (z) learned");
        }
    }

    @Test
    void puzzleEmbeddingMovesBySignSgd() {
        try (Trainer t = trainer(8)) {
            t.step();
            float[] row = t.weights().get(TrmParameters.PUZZLE_EMB).toFloatArray();
            // from zero, one sign-SGD step moves each coordinate by -lr*sign(g): lr at step 1 is 1e-2 / 2
            for (float v : row) {
                assertTrue(Math.abs(Math.abs(v) - 0.005f) < 1e-7 || v == 0f, "coordinate " + v);
            }
            assertTrue(Arrays.stream(Floats.toDouble(row)).anyMatch(v -> v != 0));
        }
    }


    @Test
    void nativeMemoryStaysFlatAcrossSteps() {
        assumeTrue(ProcessMemory.rssKb() > 0, "the resident set size is unavailable here (no /proc/self/status)");
        try (Trainer t = trainer(12)) {
            losses(t, 20);
            System.gc();
            long warm = ProcessMemory.rssKb();
            losses(t, 60);
            System.gc();
            long after = ProcessMemory.rssKb();
            // one manager scope per step: 60 more steps must not grow the process (allow 40 MB of allocator noise)
            assertTrue(after - warm < 40 * 1024, "RSS grew from " + warm + " kB to " + after + " kB over 60 steps");
        }
    }

    @Test
    void taskMismatchAndBadCheckpointsAreClearErrors() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(Presets.get("maze-att-tiny"),
                config(1), PuzzleSamples.sudoku(puzzles(2, 1), false, 1), Device.cpu()));
        assertTrue(e.getMessage().contains("task 'maze' but the data set is 'sudoku'"), e.getMessage());
        assertTrue(assertThrows(IOException.class, () -> Checkpoint.read(dir.resolve("none.ckpt"))).getMessage().contains("no such file"));
        Path junk = dir.resolve("junk.ckpt");
        Files.writeString(junk, "hello");
        assertTrue(assertThrows(IOException.class, () -> Checkpoint.read(junk)).getMessage().contains("not a TRM checkpoint"));
        Path good = dir.resolve("good.ckpt");
        try (Trainer t = trainer(2)) {
            t.snapshot(RunInfo.empty()).write(good);
        }
        byte[] all = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.ckpt");
        Files.write(truncated, Arrays.copyOf(all, all.length / 2));
        String msg = assertThrows(IOException.class, () -> Checkpoint.read(truncated)).getMessage();
        assertTrue(msg.contains("truncated"), msg);
    }
}
