package dev.trm.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import dev.trm.data.SudokuGenerator;
import dev.trm.io.SafeTensors;
import dev.trm.model.Architecture;
import dev.trm.model.PosEncoding;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.Variant;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.TrmModel;
import dev.trm.task.TaskKind;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.task.sudoku.SudokuGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Official run folders in: {@code src/test/resources/official} holds four runs saved by the official
 * PyTorch code itself (tools/official-fixtures/make_fixtures.py: its trm.py and hrm.py unchanged, on
 * configs none of the presets has) with the outputs of its forward for three supervision steps. Each
 * run folder is read as it is, and the trainer's step (DJL) and the exported step (ONNX Runtime) must
 * give the official outputs step by step.
 */
class OfficialRunTest {
    static final int STEPS = 3;
    static final OfficialRun.Overrides FROM_CONFIG = new OfficialRun.Overrides(Map.of(), null);

    static Path fixture(String name) {
        return Path.of("src/test/resources/official", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"trm-att", "trm-mlp", "trm-learned", "hrm"})
    void anOfficialRunFolderExportsToAStepThatGivesTheOfficialOutputsStepByStep(String name) throws Exception {
        OfficialRun.Loaded run = OfficialRun.read(fixture(name).resolve("run"), FROM_CONFIG);
        assertEquals("step_1234", run.checkpoint().getFileName().toString());
        Path expectedFile = fixture(name).resolve("steps.safetensors");
        Map<String, SafeTensors.Tensor> expected = SafeTensors.read(Files.readAllBytes(expectedFile), expectedFile.toString()).tensors();
        ReferenceSteps.assertMatch(name, run.weights().config(), run.weights().values(), expected.get("tokens").longs(),
                expected.get("puzzle_ids").longs(), expected, 1, STEPS);
    }

    @Test
    void theConfigOfEachRunBecomesTheArchitectureItDescribes() throws IOException {
        TrmConfig att = OfficialRun.read(fixture("trm-att").resolve("run"), FROM_CONFIG).weights().config();
        assertEquals(Variant.ATTENTION, att.variant());
        assertEquals(PosEncoding.ROPE, att.posEncoding());
        assertEquals(4, att.puzzleEmbLen());
        assertEquals(3, att.numPuzzleIds(), "from the table's shape");
        assertEquals(TaskKind.SUDOKU.id(), att.task(), "from data_paths");
        assertFalse(att.haltOnContinue(), "no_ACT_continue: true halts when q_halt > 0");
        TrmConfig mlp = OfficialRun.read(fixture("trm-mlp").resolve("run"), FROM_CONFIG).weights().config();
        assertEquals(Variant.MLP, mlp.variant());
        assertEquals(PosEncoding.NONE, mlp.posEncoding());
        assertEquals(1, mlp.layers());
        TrmConfig learned = OfficialRun.read(fixture("trm-learned").resolve("run"), FROM_CONFIG).weights().config();
        assertEquals(PosEncoding.LEARNED, learned.posEncoding());
        assertEquals(1, learned.puzzleEmbLen(), "puzzle_emb_len 0 is ceil(ndim / hidden)");
        TrmConfig hrm = OfficialRun.read(fixture("hrm").resolve("run"), FROM_CONFIG).weights().config();
        assertEquals(Architecture.HRM, hrm.architecture());
        assertEquals(2, hrm.hLayers());
        assertEquals(1, hrm.layers());
        assertTrue(hrm.haltOnContinue(), "HRM trains the continue head and halts when q_halt > q_continue");
    }

    /** A copy of a fixture's run folder whose config has {@code from} replaced by {@code to}. */
    private Path runWith(String name, String from, String to) throws IOException {
        Path run = Files.createDirectories(dir.resolve(name + "-" + Math.abs((from + to).hashCode())));
        Path original = fixture(name).resolve("run");
        Files.copy(original.resolve("step_1234"), run.resolve("step_1234"));
        String config = Files.readString(original.resolve(OfficialRun.CONFIG));
        assertTrue(config.contains(from), from);
        Files.writeString(run.resolve(OfficialRun.CONFIG), config.replace(from, to));
        return run;
    }

    @TempDir
    Path dir;

    @Test
    void aTruncatedCheckpointIsAClearError() throws IOException {
        Path run = runWith("trm-att", "hidden_size: 32", "hidden_size: 32");
        byte[] whole = Files.readAllBytes(run.resolve("step_1234"));
        Files.write(run.resolve("step_1234"), java.util.Arrays.copyOf(whole, whole.length / 2));
        IOException e = assertThrows(IOException.class, () -> OfficialRun.read(run, FROM_CONFIG));
        assertTrue(e.getMessage().contains("step_1234") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aConfigThatDisagreesWithTheShapesNamesTheFieldAndBothValues() throws IOException {
        IOException hidden = assertThrows(IOException.class,
                () -> OfficialRun.read(runWith("trm-att", "hidden_size: 32", "hidden_size: 64"), FROM_CONFIG));
        assertTrue(hidden.getMessage().contains("hidden_size is 64") && hidden.getMessage().contains("says 32"), hidden.getMessage());
        IOException layers = assertThrows(IOException.class,
                () -> OfficialRun.read(runWith("trm-att", "L_layers: 2", "L_layers: 3"), FROM_CONFIG));
        assertTrue(layers.getMessage().contains("L_layers is 3") && layers.getMessage().contains("says 2"), layers.getMessage());
        IOException mixer = assertThrows(IOException.class,
                () -> OfficialRun.read(runWith("trm-att", "mlp_t: false", "mlp_t: true"), FROM_CONFIG));
        assertTrue(mixer.getMessage().contains("mlp_t is true"), mixer.getMessage());
        IOException prefix = assertThrows(IOException.class,
                () -> OfficialRun.read(runWith("trm-mlp", "puzzle_emb_len: 2", "puzzle_emb_len: 16"), FROM_CONFIG));
        assertTrue(prefix.getMessage().contains("puzzle_emb_len") && prefix.getMessage().contains("97")
                && prefix.getMessage().contains("says 83"), prefix.getMessage());
    }

    @Test
    void sizesPastSaneLimitsAreRefusedNamingTheFieldBeforeAnythingIsBuilt() throws IOException {
        Map<String, String> cases = Map.of("H_cycles: 2", "H_cycles: 1000000000", "halt_max_steps: 4", "halt_max_steps: 2147483647",
                "expansion: 2", "expansion: 1e30", "hidden_size: 32", "hidden_size: -32");
        for (var c : cases.entrySet()) {
            String field = c.getKey().substring(0, c.getKey().indexOf(':'));
            IOException e = assertThrows(IOException.class, () -> OfficialRun.read(runWith("trm-att", c.getKey(), c.getValue()), FROM_CONFIG));
            assertTrue(e.getMessage().contains("arch." + field + " is ") && e.getMessage().contains("this toolkit reads"), e.getMessage());
        }
    }

    @Test
    void twoFilesOfOneStepOrAStepNumberPastALongAreNamed() throws IOException {
        Path run = runWith("trm-att", "hidden_size: 32", "hidden_size: 32");
        Files.copy(run.resolve("step_1234"), run.resolve("step_01234"));
        IOException same = assertThrows(IOException.class, () -> OfficialRun.read(run, FROM_CONFIG));
        assertTrue(same.getMessage().contains("step_01234") && same.getMessage().contains("step_1234")
                && same.getMessage().contains("the same step 1234"), same.getMessage());
        Files.delete(run.resolve("step_01234"));
        Files.copy(run.resolve("step_1234"), run.resolve("step_99999999999999999999"));
        IOException huge = assertThrows(IOException.class, () -> OfficialRun.read(run, FROM_CONFIG));
        assertTrue(huge.getMessage().contains("step_99999999999999999999: the step number") && huge.getMessage().contains("too large"),
                huge.getMessage());
    }

    @Test
    void aConfigNestedTooDeepOrWithAHugeKeyIsRefusedNamingTheFile() throws IOException {
        Path deep = runWith("trm-att", "hidden_size: 32", "hidden_size: 32");
        Files.writeString(deep.resolve(OfficialRun.CONFIG), "a: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n");
        IOException nested = assertThrows(IOException.class, () -> OfficialRun.read(deep, FROM_CONFIG));
        assertTrue(nested.getMessage().contains(OfficialRun.CONFIG) && nested.getMessage().contains("YAML")
                || nested.getMessage().contains("deep"), nested.getMessage());
        Files.writeString(deep.resolve(OfficialRun.CONFIG), "k".repeat(10 << 20) + ": 1\n");
        IOException huge = assertThrows(IOException.class, () -> OfficialRun.read(deep, FROM_CONFIG));
        assertTrue(huge.getMessage().contains(OfficialRun.CONFIG), huge.getMessage());
    }

    @Test
    void anUnknownArchitectureIsRefusedByName() throws IOException {
        Path run = runWith("trm-att", "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1",
                "recursive_reasoning.trm_singlez@TinyRecursiveReasoningModel_ACTV1_SingleZ");
        IOException e = assertThrows(IOException.class, () -> OfficialRun.read(run, FROM_CONFIG));
        assertTrue(e.getMessage().contains("arch.name 'recursive_reasoning.trm_singlez@"), e.getMessage());
    }

    @Test
    void aRunWhoseDataDoesNotNameTheTaskAsksForIt() throws IOException {
        Path run = runWith("trm-att", "data/sudoku-extreme-1k-aug-1000", "data/my-puzzles");
        IOException e = assertThrows(IOException.class, () -> OfficialRun.read(run, FROM_CONFIG));
        assertTrue(e.getMessage().contains("give --task"), e.getMessage());
        assertEquals(TaskKind.SUDOKU.id(), OfficialRun.read(run, new OfficialRun.Overrides(Map.of(), TaskKind.SUDOKU))
                .weights().config().task());
    }

    @Test
    void aFolderWithoutAConfigTakesTheArchitectureAsOptions() throws IOException {
        Path run = Files.createDirectories(dir.resolve("bare"));
        Files.copy(fixture("trm-att").resolve("run/step_1234"), run.resolve("step_1234"));
        IOException none = assertThrows(IOException.class, () -> OfficialRun.read(run, FROM_CONFIG));
        assertTrue(none.getMessage().contains("no all_config.yaml") && none.getMessage().contains("--arch"), none.getMessage());
        Map<String, String> fields = Map.ofEntries(Map.entry("name", "trm"), Map.entry("hidden_size", "32"),
                Map.entry("num_heads", "2"), Map.entry("expansion", "2"), Map.entry("H_cycles", "2"), Map.entry("L_cycles", "2"),
                Map.entry("L_layers", "2"), Map.entry("puzzle_emb_ndim", "32"), Map.entry("puzzle_emb_len", "4"),
                Map.entry("pos_encodings", "rope"), Map.entry("halt_max_steps", "4"));
        TrmConfig fromOptions = OfficialRun.read(run, new OfficialRun.Overrides(fields, TaskKind.SUDOKU)).weights().config();
        assertEquals(OfficialRun.read(fixture("trm-att").resolve("run"), FROM_CONFIG).weights().config(), fromOptions);
    }

    @Test
    void theNewestStepOfAFolderIsRead() throws IOException {
        Path run = runWith("trm-att", "hidden_size: 32", "hidden_size: 32");
        Files.copy(run.resolve("step_1234"), run.resolve("step_99999"));
        Files.copy(run.resolve("step_1234"), run.resolve("step_5"));
        assertEquals("step_99999", OfficialRun.read(run, FROM_CONFIG).checkpoint().getFileName().toString());
    }

    @Test
    void anExportedHrmHaltsWhenQHaltPassesQContinueAsHrmDoes() throws Exception {
        OfficialRun.Loaded run = OfficialRun.read(fixture("hrm").resolve("run"), FROM_CONFIG);
        TrmConfig c = run.weights().config();
        byte[] onnx = StepExport.build(c, run.weights().values(), Map.of()).toByteArray();
        Path file = Files.write(dir.resolve("hrm.onnx"), onnx);
        SudokuGenerator puzzles = new SudokuGenerator(3);
        int differing = 0;
        try (TrmModel model = TrmModel.load(file, RuntimeConfig.cpu());
             OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = ModelLoader.environment().createSession(onnx, opts)) {
            assertTrue(model.info().haltsOnContinue());
            for (int p = 0; p < 20; p++) {
                SudokuGrid question = puzzles.next(SudokuGenerator.Difficulty.givens(30, 40)).question();
                long[] tokens = java.util.Arrays.stream(SudokuCodec.INSTANCE.encode(question)).asLongStream().toArray();
                int hrmStop = 0;
                int trmStop = 0;
                float[] y = StepVerifier.broadcast(run.weights().values().get(TrmParameters.H_INIT), c.workingLength());
                float[] z = StepVerifier.broadcast(run.weights().values().get(TrmParameters.L_INIT), c.workingLength());
                for (int k = 1; k <= c.haltMaxSteps() && (hrmStop == 0 || trmStop == 0); k++) {
                    float[][] out = StepVerifier.run(ModelLoader.environment(), session, c, tokens, new long[] {0}, y, z);
                    y = out[0];
                    z = out[1];
                    hrmStop = hrmStop == 0 && (out[3][0] > out[4][0] || k == c.haltMaxSteps()) ? k : hrmStop;
                    trmStop = trmStop == 0 && (out[3][0] > 0 || k == c.haltMaxSteps()) ? k : trmStop;
                }
                Solution s = model.solve(question.toLine(), HaltPolicy.parse("q-halt"), Effort.plain());
                assertEquals(hrmStop, s.steps(), "puzzle " + p + ": the runtime stops where q_halt first passes q_continue");
                differing += hrmStop != trmStop ? 1 : 0;
            }
        }
        assertTrue(differing > 0, "on some puzzle TRM's rule (q_halt > 0) stops elsewhere, so the check above can fail");
    }

    @ParameterizedTest
    @ValueSource(strings = {"trm-mlp", "hrm"})
    void aModelWrittenAsAnOfficialRunReadsBackBitForBit(String name) throws IOException {
        OfficialRun.Loaded original = OfficialRun.read(fixture(name).resolve("run"), FROM_CONFIG);
        TrmConfig c = original.weights().config();
        Path written = OfficialRun.write(dir.resolve("out-" + name), c, original.weights().values(), 77);
        assertEquals("step_77", written.getFileName().toString());
        OfficialRun.Loaded back = OfficialRun.read(dir.resolve("out-" + name), FROM_CONFIG);
        assertEquals(c, back.weights().config());
        for (Map.Entry<String, float[]> e : original.weights().values().entrySet()) {
            assertTrue(java.util.Arrays.equals(e.getValue(), back.weights().values().get(e.getKey())), e.getKey() + " changed");
        }
        assertTrue(java.util.Arrays.equals(StepExport.build(c, original.weights().values(), Map.of()).toByteArray(),
                StepExport.build(back.weights().config(), back.weights().values(), Map.of()).toByteArray()), "the same step");
    }
}
