package dev.trm.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.trm.data.Example;
import dev.trm.data.SudokuGenerator;
import dev.trm.io.SafeTensors;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.StepContract;
import dev.trm.runtime.TrmModel;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.train.Checkpoint;
import dev.trm.train.PuzzleSamples;
import dev.trm.train.RunInfo;
import dev.trm.train.TrainConfig;
import dev.trm.train.Trainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExporterTest {
    @TempDir
    Path dir;

    static List<Example<SudokuGrid>> puzzles(int n) {
        SudokuGenerator gen = new SudokuGenerator(3);
        List<Example<SudokuGrid>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SudokuGenerator.Puzzle p = gen.next(SudokuGenerator.Difficulty.givens(40, 45));
            out.add(new Example<>(i, "t", p.question(), p.answer(), p.rating()));
        }
        return out;
    }

    private static StepVerifier.Report verifyRandom(String preset) throws Exception {
        TrmConfig c = Presets.get(preset);
        Map<String, float[]> values = new TrmParameters(c).initialise(11);
        Exporter.Result r = Exporter.export(c, values, Map.of(), null, true, null);
        return r.report();
    }

    @Test
    void randomWeightsPassOneStepParityForBothVariants() throws Exception {
        for (String preset : new String[] {"sudoku-mlp-tiny", "sudoku-att-tiny"}) {
            StepVerifier.Report r = verifyRandom(preset);
            assertTrue(r.passed(), preset + "\n" + r.table());
            assertEquals(Presets.get(preset).haltMaxSteps(), r.steps().size());
        }
    }

    @Test
    void trainedWeightsPassAndAnswersAgree() throws Exception {
        for (String preset : new String[] {"sudoku-mlp-tiny", "sudoku-att-tiny"}) {
            TrmConfig c = Presets.get(preset);
            TrainConfig tc = TrainConfig.builder().batchSize(4).steps(60).lr(3e-3f).warmupSteps(2).emaRate(0.9f).seed(1)
                    .evalInterval(0).build();
            PuzzleSamples samples = PuzzleSamples.sudoku(puzzles(16), true, 1);
            Path ckpt = dir.resolve(preset + ".ckpt");
            try (Trainer t = new Trainer(c, tc, samples, Device.cpu())) {
                for (int i = 0; i < 60; i++) {
                    t.step();
                }
                t.snapshot(new RunInfo.Builder().generated("40-45", 0, true).build()).write(ckpt);
            }
            Checkpoint cp = Checkpoint.read(ckpt);
            Exporter.Result r = Exporter.export(cp.model(), cp.evaluationValues(),
                    Exporter.provenance(ckpt.toString(), cp.step(), cp.info()), samples.originals(), true, dir.resolve(preset + ".onnx"));
            assertTrue(r.report().passed(), r.report().table());
            for (StepVerifier.StepReport s : r.report().steps()) {
                assertEquals(1.0, s.answersAgree(), "trained weights: free-running answers agree at step " + s.step()
                        + "\n" + r.report().table());
            }
        }
    }

    @Test
    void fileLoadsWithSymbolicBatchAndMetadata() throws Exception {
        TrmConfig c = Presets.get("sudoku-att-tiny");
        Map<String, float[]> values = new TrmParameters(c).initialise(2);
        Path out = dir.resolve("m.onnx");
        Exporter.export(c, values, Map.of(StepContract.DATASET, "none"), null, false, out);
        OrtEnvironment env = ModelLoader.environment();
        try (OrtSession s = env.createSession(out.toString(), new OrtSession.SessionOptions())) {
            TensorInfo y = (TensorInfo) s.getInputInfo().get(StepContract.IN_Y).getInfo();
            assertArrayEquals(new long[] {-1, 97, 32}, y.getShape());
            Map<String, NodeInfo> outs = s.getOutputInfo();
            assertEquals(List.of(StepContract.OUT_Y, StepContract.OUT_Z, StepContract.OUT_LOGITS, StepContract.OUT_Q_HALT,
                    StepContract.OUT_Q_CONTINUE), new ArrayList<>(outs.keySet()));
            Map<String, String> md = s.getMetadata().getCustomMetadata();
            assertEquals("1", md.get(StepContract.FORMAT));
            assertEquals("sudoku", md.get(StepContract.TASK));
            assertEquals("attention", md.get(StepContract.VARIANT));
            assertEquals("3", md.get(StepContract.HALT_MAX_STEPS));
            assertEquals("none", md.get(StepContract.DATASET));
            float[] yInit = decode(md.get(StepContract.Y_INIT));
            assertArrayEquals(values.get(TrmParameters.H_INIT), yInit);
        }
    }

    static float[] decode(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    @Test
    void batchOfOneAndBatchOfSevenGiveTheSameRows() throws Exception {
        TrmConfig c = Presets.get("sudoku-mlp-tiny");
        Map<String, float[]> values = new TrmParameters(c).initialise(5);
        byte[] onnx = Exporter.export(c, values, Map.of(), null, false, null).onnx();
        Exporter.Batch batch = Exporter.verificationBatch(c, PuzzleSamples.sudoku(puzzles(7), false, 0).originals());
        OrtEnvironment env = ModelLoader.environment();
        int seq = c.seqLen();
        int state = c.workingLength() * c.hiddenSize();
        try (OrtSession s = env.createSession(onnx, new OrtSession.SessionOptions())) {
            float[] y = StepVerifier.broadcast(values.get(TrmParameters.H_INIT), 7 * c.workingLength());
            float[] z = StepVerifier.broadcast(values.get(TrmParameters.L_INIT), 7 * c.workingLength());
            float[][] all = StepVerifier.run(env, s, c, batch.tokens(), batch.puzzleIds(), y, z);
            for (int i = 0; i < 7; i++) {
                long[] tok = Arrays.copyOfRange(batch.tokens(), i * seq, (i + 1) * seq);
                float[][] one = StepVerifier.run(env, s, c, tok, new long[] {0}, Arrays.copyOfRange(y, i * state, (i + 1) * state),
                        Arrays.copyOfRange(z, i * state, (i + 1) * state));
                float[] rowLogits = Arrays.copyOfRange(all[2], i * seq * c.vocabSize(), (i + 1) * seq * c.vocabSize());
                assertTrue(StepVerifier.relativeError(one[2], rowLogits) < 1e-5, "row " + i);
                assertEquals(all[3][i], one[3][0], 1e-4);
            }
        }
    }

    @Test
    void exportsAreByteIdentical() throws Exception {
        TrmConfig c = Presets.get("sudoku-att-tiny");
        Map<String, float[]> values = new TrmParameters(c).initialise(8);
        Path a = dir.resolve("a.onnx");
        Path b = dir.resolve("b.onnx");
        Exporter.export(c, values, Map.of(StepContract.TRAINING_STEP, "3"), null, false, a);
        Exporter.export(c, new TrmParameters(c).initialise(8), Map.of(StepContract.TRAINING_STEP, "3"), null, false, b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        // about 4 bytes per parameter
        long floats = Exporter.floats(c);
        assertTrue(Files.size(a) > 4 * floats && Files.size(a) < 4 * floats * 1.1 + 200_000, "size " + Files.size(a));
    }

    @Test
    void safetensorsRoundTripGivesTheSameOnnxStep() throws Exception {
        TrmConfig c = Presets.get("sudoku-mlp-tiny");
        Map<String, float[]> values = new TrmParameters(c).initialise(4);
        Path st = dir.resolve("w.safetensors");
        OfficialWeights.write(st, c, values, Map.of());
        OfficialWeights.Weights back = OfficialWeights.read(st, c);
        assertEquals(c, back.config());
        byte[] direct = Exporter.export(c, values, Map.of(), null, false, null).onnx();
        byte[] viaFile = Exporter.export(back.config(), back.values(), Map.of(), null, false, null).onnx();
        assertArrayEquals(direct, viaFile);
    }

    @Test
    void badSafetensorsNameEveryProblem() throws Exception {
        TrmConfig c = Presets.get("sudoku-mlp-tiny");
        Map<String, float[]> values = new TrmParameters(c).initialise(4);
        Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
        for (TrmParameters.Spec s : new TrmParameters(c).specs()) {
            t.put("model.inner." + s.name(), SafeTensors.Tensor.of(values.get(s.name()), s.shape()));
        }
        t.remove("model.inner." + TrmParameters.LM_HEAD);
        t.put("model.inner.extra.weight", SafeTensors.Tensor.of(new float[] {1}, 1));
        t.put("model.inner." + TrmParameters.Q_HEAD_B, SafeTensors.Tensor.of(new float[] {1, 2, 3}, 3));
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, SafeTensors.write(t, Map.of()));
        String msg = assertThrows(IOException.class, () -> OfficialWeights.read(bad, c)).getMessage();
        assertTrue(msg.contains("missing tensors: lm_head.weight"), msg);
        assertTrue(msg.contains("unexpected tensors: extra.weight"), msg);
        assertTrue(msg.contains("q_head.bias is F32 [3], expected float [2]"), msg);
        Path truncated = dir.resolve("t.safetensors");
        byte[] good = SafeTensors.write(Map.of("a", SafeTensors.Tensor.of(new float[100], 100)), Map.of());
        Files.write(truncated, Arrays.copyOf(good, good.length - 10));
        assertTrue(assertThrows(IOException.class, () -> OfficialWeights.read(truncated, c)).getMessage().contains("truncated"));
        assertTrue(assertThrows(IOException.class, () -> OfficialWeights.read(dir.resolve("none"), c)).getMessage().contains("no such file"));
    }

    @Test
    void failedVerificationLeavesNoFile() throws Exception {
        TrmConfig c = Presets.get("sudoku-mlp-tiny");
        Map<String, float[]> values = new TrmParameters(c).initialise(4);
        byte[] onnx = Exporter.export(c, values, Map.of(), null, false, null).onnx();
        // verify the file of one set of weights against different weights: must fail
        Map<String, float[]> other = new TrmParameters(c).initialise(5);
        Exporter.Batch batch = Exporter.verificationBatch(c, null);
        StepVerifier.Report r = StepVerifier.verify(c, other, onnx, batch.tokens(), batch.puzzleIds());
        assertFalse(r.passed());
        Path out = dir.resolve("x.onnx");
        assertFalse(Files.exists(out));
    }
}
