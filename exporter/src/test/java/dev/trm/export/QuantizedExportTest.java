package dev.trm.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.onnx.proto.OnnxMl;
import dev.trm.data.Example;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.StepContract;
import dev.trm.runtime.TrmModel;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.train.PuzzleSamples;
import dev.trm.train.RunInfo;
import dev.trm.train.TrainConfig;
import dev.trm.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * int8 export of a trained tiny model: it loads in the runtime with its metadata, answers as the fp32
 * step does on a fixed set, and the answer-based bound refuses a deliberately broken quantization.
 */
class QuantizedExportTest {
    static final int PUZZLES = 8;
    static final int STEPS = 200;
    static final Map<String, String> PROVENANCE = Map.of(StepContract.TRAINING_STEP, Integer.toString(STEPS));
    static TrmConfig config;
    static Map<String, float[]> values;
    static List<Example<SudokuGrid>> set;
    static PuzzleSamples samples;

    @TempDir
    Path dir;

    /** A tiny model fitted to a few easy puzzles, so that the fp32 step solves some of them. */
    @BeforeAll
    static void train() {
        config = Presets.get("sudoku-mlp-tiny");
        set = ExporterTest.puzzles(PUZZLES);
        samples = PuzzleSamples.sudoku(set, false, 1);
        TrainConfig tc = TrainConfig.builder().batchSize(4).steps(STEPS).lr(3e-3f).warmupSteps(2).emaRate(0f).seed(1)
                .evalInterval(0).build();
        try (Trainer t = new Trainer(config, tc, samples, Device.cpu())) {
            for (int i = 0; i < STEPS; i++) {
                t.step();
            }
            values = t.snapshot(RunInfo.empty()).evaluationValues();
        }
    }

    @Test
    void anInt8StepLoadsKeepsItsMetadataAndAnswersAsTheFp32StepDoes() throws Exception {
        Path out = dir.resolve("int8.onnx");
        Exporter.Result r = Exporter.export(config, values, PROVENANCE, samples.originals(), true, out, WeightEncoding.INT8);
        QuantizedVerifier.Report q = r.quantized();
        assertTrue(q.fp32Accuracy() > 0, "the fp32 step solves some of its training puzzles: " + q.table());
        assertTrue(q.passed(), q.table());
        byte[] fp32 = StepExport.build(config, values, PROVENANCE).toByteArray();
        assertTrue(Files.size(out) < fp32.length, "int8 weights make a smaller file: " + Files.size(out) + " vs " + fp32.length);
        List<String> puzzles = new ArrayList<>();
        for (Example<SudokuGrid> e : set) {
            puzzles.add(e.question().toLine());
        }
        try (TrmModel a = TrmModel.load(fp32, RuntimeConfig.cpu()); TrmModel b = TrmModel.load(out, RuntimeConfig.cpu())) {
            assertEquals("sudoku", b.info().task());
            assertEquals(WeightEncoding.INT8.describe(), b.info().metadata().get(StepContract.ENCODING));
            assertEquals(Integer.toString(STEPS), b.info().metadata().get(StepContract.TRAINING_STEP));
            List<Solution> x = a.solveAll(puzzles, HaltPolicy.fixed(), Effort.plain(), PUZZLES, null);
            List<Solution> y = b.solveAll(puzzles, HaltPolicy.fixed(), Effort.plain(), PUZZLES, null);
            for (int i = 0; i < PUZZLES; i++) {
                if (x.get(i).solved()) {
                    assertEquals(x.get(i).answer(), y.get(i).answer(), "puzzle " + i + " that fp32 solves");
                }
            }
        }
    }

    @Test
    void aRowScaledInt8StepAnswersAPuzzleTheSameAloneAsInABatch() throws Exception {
        byte[] int8 = StepExport.build(config, values, PROVENANCE, WeightEncoding.INT8).toByteArray();
        List<String> puzzles = new ArrayList<>();
        for (Example<SudokuGrid> e : set) {
            puzzles.add(e.question().toLine());
        }
        try (TrmModel m = TrmModel.load(int8, RuntimeConfig.cpu())) {
            List<Solution> batched = m.solveAll(puzzles, HaltPolicy.fixed(), Effort.plain(), PUZZLES, null);
            for (int i = 0; i < PUZZLES; i++) {
                Solution alone = m.solveAll(List.of(puzzles.get(i)), HaltPolicy.fixed(), Effort.plain(), 1, null).get(0);
                assertEquals(batched.get(i).answer(), alone.answer(), "puzzle " + i);
            }
        }
    }

    @Test
    void mixedActivationScalesRowScaleOnlyTheDownProjectionsAndStillAnswerAsFp32Does() throws Exception {
        WeightEncoding mixed = WeightEncoding.INT8.withActivations(WeightEncoding.ActivationScales.MIXED);
        WeightEncoding rows = WeightEncoding.INT8.withActivations(WeightEncoding.ActivationScales.ROWS);
        long rowScaled = count(StepExport.build(config, values, PROVENANCE, rows), "ReduceMax");
        long mixedRowScaled = count(StepExport.build(config, values, PROVENANCE, mixed), "ReduceMax");
        assertTrue(rowScaled > 0);
        assertEquals(rowScaled / 2, mixedRowScaled, "of each SwiGLU's two quantized inputs (gate/up's, down's) only down's");
        Exporter.Result r = Exporter.export(config, values, PROVENANCE, samples.originals(), true, dir.resolve("mixed.onnx"), mixed);
        assertTrue(r.quantized().passed(), r.quantized().table());
    }

    private static long count(OnnxMl.ModelProto m, String opType) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)).count();
    }

    @Test
    void theAnswerBoundRefusesADeliberatelyBrokenQuantization() {
        Path out = dir.resolve("broken.onnx");
        Exporter.VerificationException e = assertThrows(Exporter.VerificationException.class, () -> Exporter.export(config, values,
                PROVENANCE, samples.originals(), true, out, WeightEncoding.INT8.broken(4f)));
        assertTrue(e.getMessage().contains("differ from the fp32 step's beyond the bound"), e.getMessage());
        assertTrue(Files.notExists(out), "a failed check leaves no file");
    }
}
