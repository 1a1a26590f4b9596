package dev.trm.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl;
import dev.trm.data.Example;
import dev.trm.data.SudokuGenerator;
import dev.trm.export.Exporter;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmWeights;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.InvalidPuzzleException;
import dev.trm.runtime.ModelLoadException;
import dev.trm.runtime.Provider;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.Solver;
import dev.trm.runtime.StepContract;
import dev.trm.runtime.TrmModel;
import dev.trm.runtime.TrmRuntimeException;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.train.Checkpoint;
import dev.trm.train.Evaluation;
import dev.trm.train.ProcessMemory;
import dev.trm.train.PuzzleSamples;
import dev.trm.train.RunInfo;
import dev.trm.train.TrainConfig;
import dev.trm.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime on a tiny model trained and exported here, against the trainer's own evaluation. */
class RuntimeTest {
    static final int PUZZLES = 24;
    static final float NEAR_TIE = 1e-3f;
    @TempDir
    static Path dir;
    static Checkpoint checkpoint;
    static Path onnx;
    static List<Example<SudokuGrid>> set;
    static List<String> puzzles = new ArrayList<>();
    static TrmModel model;

    @BeforeAll
    static void trainAndExport() throws Exception {
        SudokuGenerator gen = new SudokuGenerator(7);
        set = new ArrayList<>();
        for (int i = 0; i < PUZZLES; i++) {
            SudokuGenerator.Puzzle p = gen.next(SudokuGenerator.Difficulty.givens(60, 70));
            set.add(new Example<>(i, "t", p.question(), p.answer(), p.rating()));
            puzzles.add(p.question().toLine());
        }
        TrmConfig c = Presets.get("sudoku-mlp-tiny").withCycles(2, 2, 6);
        TrainConfig tc = TrainConfig.builder().batchSize(8).steps(100).lr(3e-3f).warmupSteps(5).emaRate(0.9f).seed(3)
                .evalInterval(0).build();
        Path ckpt = dir.resolve("tiny.ckpt");
        try (Trainer t = new Trainer(c, tc, PuzzleSamples.sudoku(set, true, 3), Device.cpu())) {
            for (int i = 0; i < tc.steps(); i++) {
                t.step();
            }
            t.snapshot(RunInfo.empty()).write(ckpt);
        }
        checkpoint = Checkpoint.read(ckpt);
        onnx = dir.resolve("tiny.onnx");
        Exporter.export(checkpoint.model(), checkpoint.evaluationValues(), Map.of(), null, true, onnx);
        model = TrmModel.load(onnx, RuntimeConfig.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
        model.close(); // closing twice is safe
    }

    @Test
    void fixedPolicyGivesTheTrainersAnswers() {
        List<Solution> fixed = model.solveAll(puzzles, HaltPolicy.fixed(), Effort.plain(), 8, null);
        TrmConfig c = checkpoint.model();
        List<PuzzleSamples.Sample> samples = PuzzleSamples.sudoku(set, false, 0).originals();
        // the trainer's evaluation, answer by answer
        try (NDManager m = NDManager.newBaseManager();
             TrmWeights w = new TrmWeights(new TrmParameters(c), checkpoint.evaluationValues(), m, Device.cpu())) {
            Evaluation e = Evaluation.run(c, w.arrays(), w.constants(), samples, 8, m);
            int exact = 0;
            for (int i = 0; i < PUZZLES; i++) {
                assertEquals(c.haltMaxSteps(), fixed.get(i).steps());
                assertEquals(HaltPolicy.MAX_STEPS, fixed.get(i).haltReason());
                exact += fixed.get(i).answer().equals(set.get(i).answer().toLine()) ? 1 : 0;
            }
            assertEquals(e.exact(), (double) exact / PUZZLES, 1.0 / PUZZLES + 1e-9, "exact accuracy of runtime and trainer agree");
        }
        // every cell the trainer decides by a clear margin is the runtime's answer too; near-ties of a
        // barely trained tiny model (margin under 1e-3 after 6 recursive steps) may flip under fp32 rounding
        TrainerAnswers.Answers trainer = TrainerAnswers.of(c, checkpoint.evaluationValues(), samples);
        int nearTies = 0;
        for (int i = 0; i < PUZZLES; i++) {
            String expected = trainer.answers().get(i);
            String got = fixed.get(i).answer();
            for (int cell = 0; cell < expected.length(); cell++) {
                if (trainer.margins().get(i)[cell] < NEAR_TIE) {
                    nearTies++;
                } else {
                    assertEquals(expected.charAt(cell), got.charAt(cell), "puzzle " + i + " cell " + cell);
                }
            }
        }
        assertTrue(nearTies < PUZZLES * 81 / 100, "near-ties stay rare: " + nearTies);
    }

    @Test
    void verifiedNeverStopsLaterAndKeepsEverySolvedAnswer() {
        List<Solution> fixed = model.solveAll(puzzles, HaltPolicy.fixed(), Effort.plain(), 8, null);
        List<Solution> verified = model.solveAll(puzzles, HaltPolicy.verified(), Effort.plain(), 8, null);
        for (int i = 0; i < PUZZLES; i++) {
            assertTrue(verified.get(i).steps() <= fixed.get(i).steps());
            if (fixed.get(i).solved()) {
                assertTrue(verified.get(i).solved(), "puzzle " + i);
                assertEquals(fixed.get(i).answer(), verified.get(i).answer());
            }
            if (verified.get(i).haltReason().equals("verified")) {
                assertTrue(verified.get(i).solved());
            }
        }
    }

    @Test
    void compactedBatchEqualsOneByOne() {
        HaltPolicy policy = HaltPolicy.verified().or(HaltPolicy.qHalt(0.5));
        List<Solution> batch = model.solveAll(puzzles, policy, Effort.plain(), PUZZLES, null);
        for (int i = 0; i < PUZZLES; i++) {
            Solution one = model.solve(puzzles.get(i), policy, Effort.plain());
            assertEquals(one.answer(), batch.get(i).answer(), "puzzle " + i);
            assertEquals(one.steps(), batch.get(i).steps(), "puzzle " + i);
            assertEquals(one.haltReason(), batch.get(i).haltReason());
            assertArrayEquals(one.haltProbabilities(), batch.get(i).haltProbabilities(), 1e-5f);
        }
    }

    @Test
    void eightThreadsShareOneModel() throws Exception {
        List<Solution> single = model.solveAll(puzzles, HaltPolicy.fixed(), Effort.plain(), 4, null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Solution>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> model.solveAll(puzzles, HaltPolicy.fixed(), Effort.plain(), 4, null)));
            }
            for (Future<List<Solution>> f : futures) {
                List<Solution> got = f.get();
                for (int i = 0; i < PUZZLES; i++) {
                    assertEquals(single.get(i).answer(), got.get(i).answer());
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void closingTheModelUnderEightSolvingThreadsIsAClearErrorNeverACrash() throws Exception {
        TrmModel shared = TrmModel.load(onnx, RuntimeConfig.cpu());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch running = new CountDownLatch(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    running.countDown();
                    try {
                        for (int round = 0; round < 1000; round++) {
                            shared.solveAll(puzzles, HaltPolicy.fixed(), Effort.plain(), 4, null);
                        }
                        return "finished";
                    } catch (TrmRuntimeException e) {
                        return e.getMessage();
                    }
                }));
            }
            running.await();
            Thread.sleep(200);
            shared.close();
            for (Future<String> f : futures) {
                assertEquals("the model is closed", f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        TrmRuntimeException after = assertThrows(TrmRuntimeException.class, () -> shared.solve(puzzles.get(0), HaltPolicy.fixed(), Effort.plain()));
        assertEquals("the model is closed", after.getMessage());
        IllegalArgumentException noPolicy = assertThrows(IllegalArgumentException.class,
                () -> model.solver(puzzles, null, Effort.plain(), null));
        assertTrue(noPolicy.getMessage().contains("halting policy is required"), noPolicy.getMessage());
    }

    @Test
    void observerSeesEveryStep() {
        List<Integer> steps = new ArrayList<>();
        try (Solver s = model.solver(List.of(puzzles.get(0)), HaltPolicy.fixed(), Effort.plain(), st -> steps.add(st.step()))) {
            while (!s.isDone()) {
                s.step();
            }
            assertEquals(checkpoint.model().haltMaxSteps(), s.solutions().get(0).haltProbabilities().length);
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6), steps);
    }

    @Test
    void badModelsAndPuzzlesAreClearErrors() throws Exception {
        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "not onnx");
        assertTrue(assertThrows(ModelLoadException.class, () -> TrmModel.load(junk, RuntimeConfig.cpu())).getMessage()
                .contains("not an ONNX model (it starts with byte 0x6e"));
        byte[] all = Files.readAllBytes(onnx);
        Path truncated = dir.resolve("truncated.onnx");
        Files.write(truncated, Arrays.copyOf(all, all.length / 2));
        assertTrue(assertThrows(ModelLoadException.class, () -> TrmModel.load(truncated, RuntimeConfig.cpu())).getMessage()
                .contains("not a loadable ONNX model"));
        assertTrue(assertThrows(ModelLoadException.class, () -> TrmModel.load(dir.resolve("none.onnx"), RuntimeConfig.cpu()))
                .getMessage().contains("no such file"));
        ModelLoadException cuda = assertThrows(ModelLoadException.class,
                () -> TrmModel.load(onnx, new RuntimeConfig(Provider.CUDA, 0, 0)));
        assertTrue(cuda.getMessage().contains("CUDA provider cannot load"), cuda.getMessage());
        try (TrmModel auto = TrmModel.load(onnx, new RuntimeConfig(Provider.AUTO, 1, 0))) {
            assertEquals(Provider.CPU, auto.provider());
        }
        InvalidPuzzleException shortOne = assertThrows(InvalidPuzzleException.class, () -> model.solve("123", HaltPolicy.fixed(), Effort.plain()));
        assertTrue(shortOne.getMessage().contains("81 cells"), shortOne.getMessage());
        InvalidPuzzleException conflict = assertThrows(InvalidPuzzleException.class,
                () -> model.solve("11" + ".".repeat(79), HaltPolicy.fixed(), Effort.plain()));
        assertTrue(conflict.getMessage().contains("contradictory givens"), conflict.getMessage());
        InvalidPuzzleException maze = assertThrows(InvalidPuzzleException.class,
                () -> model.solve("#".repeat(900), HaltPolicy.fixed(), Effort.plain()));
        assertTrue(maze.getMessage().contains("81 cells"), maze.getMessage());
        assertTrue(TrmRuntimeException.class.isAssignableFrom(InvalidPuzzleException.class));
    }

    @Test
    void metadataThatDisagreesWithTheGraphIsALoadErrorNamingTheField() throws Exception {
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnx));
        for (String v : new String[] {"12", "5"}) {
            OnnxMl.ModelProto.Builder edited = proto.toBuilder();
            for (int i = 0; i < edited.getMetadataPropsCount(); i++) {
                if (edited.getMetadataProps(i).getKey().equals(StepContract.VOCAB)) {
                    edited.setMetadataProps(i, edited.getMetadataProps(i).toBuilder().setValue(v));
                }
            }
            Path file = dir.resolve("v" + v + ".onnx");
            Files.write(file, edited.build().toByteArray());
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> TrmModel.load(file, RuntimeConfig.cpu()));
            assertTrue(e.getMessage().contains("'logits' is [batch, 81, 11] in the graph but [batch, 81, " + v + "] by the metadata"
                    + " (trm.S, trm.V)"), e.getMessage());
        }
    }

    /** RSS after a full collection, so that direct buffers waiting for the GC do not count as growth. */
    private static long settledRssKb() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ProcessMemory.rssKb();
    }

    @Test
    void noNativeGrowthOverManySolves() throws InterruptedException {
        assumeTrue(ProcessMemory.rssKb() > 0, "the resident set size is unavailable here (no /proc/self/status)");
        for (int i = 0; i < 200; i++) {
            model.solve(puzzles.get(i % PUZZLES), HaltPolicy.fixed(), Effort.plain());
        }
        long warm = settledRssKb();
        for (int i = 0; i < 400; i++) {
            model.solve(puzzles.get(i % PUZZLES), HaltPolicy.fixed(), Effort.plain());
        }
        long after = settledRssKb();
        // the heap is fixed in size (see the pom), so RSS growth is native: 400 solves must not add 20 MB
        assertTrue(after - warm < 20 * 1024, "RSS grew from " + warm + " kB to " + after + " kB over 400 solves");
    }

    @Test
    void helperDecodeMatchesCodec() {
        int[] t = SudokuCodec.INSTANCE.encode(set.get(0).answer());
        assertEquals(set.get(0).answer().toLine(), model.task().decode(t));
    }
}
