package dev.trm.cli;

import static dev.trm.cli.TrmCommandTest.trm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.export.Exporter;
import dev.trm.export.OfficialRun;
import dev.trm.io.SafeTensors;
import dev.trm.model.Presets;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.StepContract;
import dev.trm.runtime.TrmModel;
import dev.trm.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
    @TempDir
    Path dir;
    Path checkpoint;

    @BeforeEach
    void trainATinyModel() {
        Path train = dir.resolve("train.csv");
        assertEquals(0, trm("data", "generate", "--count", "8", "--seed", "1", "-o", train.toString()).code());
        TrmCommandTest.Run r = trm("train", "--preset", "sudoku-att-tiny", "--data", train.toString(), "--steps", "2",
                "--batch", "2", "-o", dir.resolve("run").toString());
        assertEquals(0, r.code(), r.err());
        checkpoint = dir.resolve("run/checkpoint.ckpt");
    }

    /** A run folder the official PyTorch code saved (exporter's test fixtures: tools/official-fixtures). */
    static final Path OFFICIAL_HRM = Path.of("../exporter/src/test/resources/official/hrm/run");

    @Test
    void anOfficialRunFolderExportsAsItIsAndACheckpointGoesBackAsOne() throws IOException {
        Path hrm = dir.resolve("hrm.onnx");
        TrmCommandTest.Run r = trm("export", OFFICIAL_HRM.toString(), "-o", hrm.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("PASS") && r.out().contains("sudoku hrm attention"), r.out());
        String said = r.out().lines().findFirst().orElseThrow();
        assertTrue(said.startsWith("read run/step_1234: sudoku, hrm, H layers 2, L layers 1,"), "it says first what it read: " + said);
        try (TrmModel m = TrmModel.load(hrm, RuntimeConfig.cpu())) {
            assertEquals("step_1234", m.info().metadata().get(StepContract.SOURCE_CHECKPOINT).replaceFirst(".*/", ""));
            assertEquals("1234", m.info().metadata().get(StepContract.TRAINING_STEP));
            assertTrue(m.info().haltsOnContinue());
        }
        Path run = dir.resolve("official");
        TrmCommandTest.Run out = trm("export", checkpoint.toString(), "--to", "official", "-o", run.toString());
        assertEquals(0, out.code(), out.err());
        assertTrue(Files.isRegularFile(run.resolve("all_config.yaml")) && Files.isRegularFile(run.resolve("step_2")), out.out());
        TrmCommandTest.Run back = trm("export", run.toString(), "-o", dir.resolve("back.onnx").toString());
        assertEquals(0, back.code(), back.err());
        // the folder holds the checkpoint's exported weights (its EMA) bit for bit
        Checkpoint c = Checkpoint.read(checkpoint);
        OfficialRun.Loaded read = OfficialRun.read(run, new OfficialRun.Overrides(Map.of(), null));
        assertEquals(c.model(), read.weights().config());
        for (Map.Entry<String, SafeTensors.Tensor> e : c.ema().entrySet()) {
            assertArrayEquals(e.getValue().floats(), read.weights().values().get(e.getKey()), e.getKey());
        }
    }

    @Test
    void anOfficialRunWithoutATaskIsAClearError() throws IOException {
        Path run = Files.createDirectories(dir.resolve("no-task"));
        Files.copy(OFFICIAL_HRM.resolve("step_1234"), run.resolve("step_1234"));
        Files.writeString(run.resolve("all_config.yaml"), Files.readString(OFFICIAL_HRM.resolve("all_config.yaml"))
                .replace("data/sudoku-extreme-1k-aug-1000", "data/mine"));
        TrmCommandTest.Run r = trm("export", run.toString(), "-o", dir.resolve("x.onnx").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("give --task"), r.err());
        assertFalse(Files.exists(dir.resolve("x.onnx")), "nothing written");
        assertEquals(0, trm("export", run.toString(), "--task", "sudoku", "-o", dir.resolve("x.onnx").toString()).code());
    }

    @Test
    void exportVerifiesAndWrites() throws IOException {
        Path onnx = dir.resolve("m.onnx");
        TrmCommandTest.Run r = trm("export", checkpoint.toString(), "-o", onnx.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("one-step parity: max relative error"), r.out());
        assertTrue(r.out().contains("PASS"), r.out());
        assertTrue(Files.size(onnx) >= 4 * Exporter.floats(Presets.get("sudoku-att-tiny")), "holds the weights");
        // weights out as safetensors and back give the same ONNX step
        Path st = dir.resolve("w.safetensors");
        assertEquals(0, trm("export", checkpoint.toString(), "--to", "safetensors", "-o", st.toString()).code());
        Path again = dir.resolve("again.onnx");
        TrmCommandTest.Run r2 = trm("export", "--preset", "sudoku-att-tiny", "--from-safetensors", st.toString(), "-o",
                again.toString(), "--no-verify");
        assertEquals(0, r2.code(), r2.err());
        byte[] a = Files.readAllBytes(onnx);
        byte[] b = Files.readAllBytes(again);
        // identical but for the provenance metadata: compare sizes of the graphs via a re-export without provenance
        assertTrue(Math.abs(a.length - b.length) < 400, a.length + " vs " + b.length);
    }

    @Test
    void theTrainedWeightsCanBeExportedInsteadOfTheirAverage() throws Exception {
        Path ema = dir.resolve("ema.onnx");
        Path trained = dir.resolve("trained.onnx");
        assertEquals(0, trm("export", checkpoint.toString(), "-o", ema.toString()).code());
        TrmCommandTest.Run r = trm("export", checkpoint.toString(), "--no-ema", "-o", trained.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("PASS"), "verified like any export: " + r.out());
        try (TrmModel a = TrmModel.load(ema, RuntimeConfig.cpu()); TrmModel b = TrmModel.load(trained, RuntimeConfig.cpu())) {
            assertEquals("ema", a.info().metadata().get(StepContract.WEIGHTS));
            assertEquals("trained", b.info().metadata().get(StepContract.WEIGHTS));
        }
        assertFalse(Arrays.equals(Files.readAllBytes(ema), Files.readAllBytes(trained)), "two steps of training move the EMA away");
    }

    @Test
    void solveAndEvalWithTheExportedModel() throws IOException {
        Path onnx = dir.resolve("m.onnx");
        assertEquals(0, trm("export", checkpoint.toString(), "-o", onnx.toString()).code());
        String puzzle = "98.7..6..5..8.......7.9..857...4...9.9.5.34....4....2.1..3......7..8...1......26.";
        TrmCommandTest.Run r = trm("solve", "--model", onnx.toString(), "--policy", "fixed", "--effort", "plain", "--provider", "cpu",
                puzzle);
        assertTrue(r.code() == 0 || r.code() == 1, r.err());
        assertTrue(r.out().contains("3 steps of N_sup 3 (stopped: max-steps)"), r.out());
        TrmCommandTest.Run json = trm("solve", "--model", onnx.toString(), "--json", "--policy", "q-halt:0.9", puzzle);
        JsonNode line = new ObjectMapper().readTree(json.out());
        assertEquals(puzzle, line.path("puzzle").asText(), json.out());
        assertEquals(81, line.path("answer").asText().length(), json.out());
        assertEquals("puzzle", line.path("where").asText());
        assertTrue(line.path("copies").asInt() >= 1 && line.path("total_steps").asInt() >= line.path("steps").asInt(), json.out());
        TrmCommandTest.Run bad = trm("solve", "--model", onnx.toString(), "123");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("puzzle: sudoku: a Sudoku has 81 cells"), bad.err());
        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "junk");
        TrmCommandTest.Run badModel = trm("solve", "--model", junk.toString(), puzzle);
        assertEquals(1, badModel.code());
        assertTrue(badModel.err().contains("not an ONNX model (it starts with byte 0x6a"), badModel.err());
        TrmCommandTest.Run device = trm("solve", "--model", "/dev/zero", puzzle);
        assertEquals(1, device.code());
        assertTrue(device.err().contains("/dev/zero: not a model file (a folder, device or pipe)"), device.err());
        Path huge = dir.resolve("huge.onnx");
        try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            sparse.setLength(ModelLoader.MAX_MODEL_BYTES + 1); // sparse: no disk used, nothing read
        }
        TrmCommandTest.Run tooBig = trm("solve", "--model", huge.toString(), puzzle);
        assertEquals(1, tooBig.code());
        assertTrue(tooBig.err().contains("is larger than an ONNX model can be"), tooBig.err());
        Files.delete(huge);
        Path zeros = Files.write(dir.resolve("zeros.onnx"), new byte[4096]);
        TrmCommandTest.Run notOnnx = trm("solve", "--model", zeros.toString(), puzzle);
        assertEquals(1, notOnnx.code());
        assertTrue(notOnnx.err().contains("not an ONNX model (it starts with byte 0x00"), notOnnx.err());
        byte[] truncated = java.util.Arrays.copyOf(Files.readAllBytes(onnx), 1000);
        TrmCommandTest.Run cut = trm("solve", "--model", Files.write(dir.resolve("cut.onnx"), truncated).toString(), puzzle);
        assertEquals(1, cut.code());
        assertTrue(cut.err().contains("not a loadable ONNX model"), cut.err());
        TrmCommandTest.Run badPolicy = trm("solve", "--model", onnx.toString(), "--policy", "sometimes", puzzle);
        assertEquals(1, badPolicy.code());
        assertTrue(badPolicy.err().contains("unknown halting policy 'sometimes'"), badPolicy.err());
        Path test = dir.resolve("test.csv");
        assertEquals(0, trm("data", "generate", "--count", "6", "--seed", "9", "-o", test.toString()).code());
        TrmCommandTest.Run eval = trm("eval", onnx.toString(), test.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("verified+q-halt"), eval.out());
        assertTrue(eval.out().contains("6 puzzles"), eval.out());
        String byStep = eval.out().lines().filter(l -> l.startsWith("exact accuracy after each step")).findFirst().orElseThrow();
        String fixedRow = eval.out().lines().filter(l -> l.startsWith("fixed ")).findFirst().orElseThrow();
        assertEquals(fixedRow.trim().split("\\s+")[2], byStep.substring(byStep.lastIndexOf(' ') + 1),
                "the accuracy after the last step is the fixed row's: counted in the same run");
        TrmCommandTest.Run adaptive = trm("eval", onnx.toString(), test.toString(), "--efforts", "adaptive", "--policies", "verified");
        assertEquals(0, adaptive.code(), adaptive.err());
        assertFalse(adaptive.out().contains("after each step"), "without a fixed plain row no extra plain pass runs: " + adaptive.out());
        String adaptiveRow = adaptive.out().lines().filter(l -> l.startsWith("verified ")).findFirst().orElseThrow();
        String lastStage = adaptive.out().lines().filter(l -> l.startsWith("  3. 8 copies x 4 N_sup: ")).findFirst()
                .orElseThrow(() -> new AssertionError("the accuracy by stage: " + adaptive.out()));
        assertEquals(adaptiveRow.trim().split("\\s+")[2], lastStage.split(": ")[1].split(" ")[0], "by its last stage, the effort's accuracy");
        assertTrue(adaptive.out().contains("  1. 1 copy x 1 N_sup: "), adaptive.out());
        List<String> lines = new ArrayList<>(Files.readAllLines(test));
        lines.set(3, lines.get(3).replaceFirst(",[^,]{81},", ",11" + ".".repeat(79) + ","));
        Path badCsv = dir.resolve("bad.csv");
        Files.write(badCsv, lines);
        TrmCommandTest.Run badRow = trm("eval", onnx.toString(), badCsv.toString());
        assertEquals(1, badRow.code());
        assertTrue(badRow.err().contains(badCsv + ":4: "), "the file's line, not the puzzle's place in a batch: " + badRow.err());
        List<String> swapped = new ArrayList<>(Files.readAllLines(test));
        String[] f = swapped.get(2).split(",", -1);
        f[2] = f[2].charAt(1) + "" + f[2].charAt(0) + f[2].substring(2); // two digits of the label swapped
        swapped.set(2, String.join(",", f));
        Path wrongLabel = Files.write(dir.resolve("wrong-label.csv"), swapped);
        TrmCommandTest.Run labels = trm("eval", onnx.toString(), wrongLabel.toString());
        assertEquals(1, labels.code(), "a label that does not solve its puzzle is refused, as `trm data check` refuses it: " + labels.out());
        assertTrue(labels.err().contains(wrongLabel + ":3: answer does not solve the question"), labels.err());
    }

    @Test
    void theGoodPuzzlesOfABatchArePrintedBeforeTheBadLineStopsTheRun() throws IOException {
        Path onnx = dir.resolve("m.onnx");
        assertEquals(0, trm("export", checkpoint.toString(), "-o", onnx.toString(), "--no-verify").code());
        Path three = Files.write(dir.resolve("three.txt"), List.of(TrmCommandTest.PUZZLE, TrmCommandTest.PUZZLE, TrmCommandTest.PUZZLE,
                "12345"));
        TrmCommandTest.Run r = trm("solve", "--model", onnx.toString(), "--effort", "plain", "--json", "-f", three.toString());
        assertEquals(1, r.code());
        assertEquals(3, r.out().lines().count(), "the three good puzzles' results: " + r.out());
        assertTrue(r.err().contains(three + ":4: "), r.err());
    }

    @Test
    void aSweepRunsSymmetryAndNoisyCopiesSideBySideAndDrawsThem() throws IOException {
        Path onnx = dir.resolve("m.onnx");
        assertEquals(0, trm("export", checkpoint.toString(), "-o", onnx.toString()).code());
        Path test = dir.resolve("sweep.csv");
        assertEquals(0, trm("data", "generate", "--count", "3", "--seed", "4", "-o", test.toString()).code());
        Path plot = dir.resolve("sweep.png");
        TrmCommandTest.Run r = trm("eval", onnx.toString(), test.toString(), "--policies", "verified", "--sweep", plot.toString(),
                "--sweep-noise", "0.3,0.5+sym", "--sweep-budgets", "1");
        assertEquals(0, r.code(), r.err());
        for (String effort : new String[] {"1x1N ", "8x1N ", "2x1N~0.3 ", "8x1N~0.5+sym ", "adaptive "}) {
            assertTrue(r.out().contains(effort), effort + " in\n" + r.out());
        }
        assertTrue(!r.out().contains("1x1N~0.3"), "one copy is copy 0, never noisy: not swept again");
        assertTrue(Files.size(plot) > 0);
    }

    @Test
    void aSweepPlotThatCannotBeWrittenFailsBeforeTheRun() throws IOException {
        Path onnx = dir.resolve("m.onnx");
        assertEquals(0, trm("export", checkpoint.toString(), "-o", onnx.toString(), "--no-verify").code());
        Path test = dir.resolve("test.csv");
        assertEquals(0, trm("data", "generate", "--count", "2", "--seed", "9", "-o", test.toString()).code());
        TrmCommandTest.Run folder = trm("eval", onnx.toString(), test.toString(), "--sweep", dir.toString());
        assertEquals(1, folder.code());
        assertTrue(folder.err().contains("cannot write " + dir + ": it is a folder"), folder.err());
        assertFalse(folder.out().contains("policy"), "no table: nothing ran " + folder.out());
        TrmCommandTest.Run proc = trm("eval", onnx.toString(), test.toString(), "--sweep", "/proc/s.png");
        assertEquals(1, proc.code());
        assertTrue(proc.err().contains("cannot write /proc/s.png: folder /proc is not writable"), proc.err());
        TrmCommandTest.Run overData = trm("eval", onnx.toString(), test.toString(), "--sweep", test.toString());
        assertEquals(1, overData.code());
        assertTrue(overData.err().contains("it is the input"), overData.err());
    }

    @Test
    void anInt8CheckOfAModelThatSolvesNothingRefusesToPass() {
        Path out = dir.resolve("random-int8.onnx");
        TrmCommandTest.Run r = trm("export", "--preset", "sudoku-mlp-tiny", "--random-weights", "--quantize", "int8", "-o", out.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("the fp32 step solves too few of the verification puzzles to judge"), r.err());
        assertTrue(r.err().contains("CANNOT JUDGE") && !r.err().contains("PASS"), r.err());
        assertTrue(r.err().contains("--verify-data") && r.err().contains("--no-verify"), "the refusal names the way out: " + r.err());
        assertTrue(r.err().contains("on 32 puzzles: the fp32 step solves 0"), "it stopped after the first batch: " + r.err());
        assertTrue(Files.notExists(out));
    }

    @Test
    void exportingTwiceIsByteIdentical() throws IOException {
        Path a = dir.resolve("a.onnx");
        Path b = dir.resolve("b.onnx");
        assertEquals(0, trm("export", checkpoint.toString(), "-o", a.toString(), "--no-verify").code());
        assertEquals(0, trm("export", checkpoint.toString(), "-o", b.toString(), "--no-verify").code());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void badInputsLeaveNoFile() throws IOException {
        Path onnx = dir.resolve("x.onnx");
        Path foreign = dir.resolve("foreign.ckpt");
        Files.writeString(foreign, "not a checkpoint");
        TrmCommandTest.Run r = trm("export", foreign.toString(), "-o", onnx.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not a TRM checkpoint"), r.err());
        TrmCommandTest.Run missing = trm("export", dir.resolve("none.ckpt").toString(), "-o", onnx.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        TrmCommandTest.Run unwritable = trm("export", checkpoint.toString(), "-o", blocker.resolve("m.onnx").toString());
        assertEquals(1, unwritable.code());
        assertTrue(unwritable.err().contains("trm export: cannot write " + blocker.resolve("m.onnx")), unwritable.err());
        TrmCommandTest.Run folder = trm("export", checkpoint.toString(), "-o", dir.toString());
        assertEquals(1, folder.code());
        assertTrue(folder.err().contains("cannot write " + dir + ": it is a folder"), folder.err());
        byte[] before = Files.readAllBytes(checkpoint);
        TrmCommandTest.Run overInput = trm("export", checkpoint.toString(), "--no-verify", "-o", checkpoint.toString());
        assertEquals(1, overInput.code());
        assertTrue(overInput.err().contains("it is the input"), overInput.err());
        assertArrayEquals(before, Files.readAllBytes(checkpoint), "the checkpoint is untouched");
        Path readOnly = dir.resolve("ro.onnx");
        Files.writeString(readOnly, "keep");
        Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        TrmCommandTest.Run ro = trm("export", checkpoint.toString(), "--no-verify", "-o", readOnly.toString());
        assertEquals(1, ro.code());
        assertTrue(ro.err().contains("the file is read-only"), ro.err());
        assertEquals("keep", Files.readString(readOnly));
        TrmCommandTest.Run nothing = trm("export", "-o", onnx.toString());
        assertEquals(1, nothing.code());
        assertTrue(nothing.err().contains("nothing to export"), nothing.err());
        assertFalse(Files.exists(onnx));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }
}
