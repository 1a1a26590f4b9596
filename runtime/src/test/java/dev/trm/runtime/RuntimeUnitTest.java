package dev.trm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeUnitTest {
    static final String PUZZLE = "98.7..6..5..8.......7.9..857...4...9.9.5.34....4....2.1..3......7..8...1......26.";
    static final String SOLUTION = "981725634546831792237694185765248319892513476314967528129356847673482951458179263";

    private static StepState state(String answer, float p) {
        return new StepState(PuzzleTasks.forName("sudoku").parse(PUZZLE), true, 0, 2, answer, p, 0);
    }

    @Test
    void policiesAndTheirComposition() {
        assertFalse(HaltPolicy.fixed().halt(state(SOLUTION, 0.99f)));
        assertTrue(HaltPolicy.qHalt(0.5).halt(state(PUZZLE.replace('.', '1'), 0.6f)));
        assertFalse(HaltPolicy.qHalt(0.7).halt(state(SOLUTION, 0.6f)));
        assertTrue(HaltPolicy.verified().halt(state(SOLUTION, 0.01f)));
        assertFalse(HaltPolicy.verified().halt(state(SOLUTION.replace('9', '1'), 0.99f)));
        HaltPolicy both = HaltPolicy.parse("verified+q-halt:0.8");
        assertEquals("verified+q-halt", both.name());
        assertEquals("verified", both.reason(state(SOLUTION, 0.9f)));
        assertEquals("q-halt", both.reason(state(PUZZLE, 0.9f)));
        assertThrows(IllegalArgumentException.class, () -> HaltPolicy.parse("never"));
        assertThrows(IllegalArgumentException.class, () -> HaltPolicy.parse("q-halt:x"));
        assertThrows(IllegalArgumentException.class, () -> HaltPolicy.qHalt(1.5));
    }

    @Test
    void tasksRejectBadPuzzles() {
        PuzzleTask sudoku = PuzzleTasks.forName("sudoku");
        assertEquals(81, sudoku.encode(PUZZLE).length);
        assertTrue(assertThrows(InvalidPuzzleException.class, () -> sudoku.encode("1" + PUZZLE)).getMessage().contains("81 cells"));
        assertTrue(assertThrows(InvalidPuzzleException.class, () -> sudoku.encode("99" + PUZZLE.substring(2)))
                .getMessage().contains("contradictory givens"));
        PuzzleTask maze = PuzzleTasks.forName("maze");
        assertTrue(assertThrows(InvalidPuzzleException.class, () -> maze.encode("S G")).getMessage().contains("900 cells"));
        assertFalse(maze.isSolution("S" + " ".repeat(898) + "G", "SS" + " ".repeat(897) + "G"));
        assertThrows(ModelLoadException.class, () -> PuzzleTasks.forName("chess"));
    }

    private static Map<String, String> metadata() {
        Map<String, String> md = new HashMap<>();
        md.put(StepContract.FORMAT, "1");
        md.put(StepContract.TASK, "sudoku");
        md.put(StepContract.VARIANT, "mlp");
        md.put(StepContract.H_CYCLES, "3");
        md.put(StepContract.L_CYCLES, "6");
        md.put(StepContract.HALT_MAX_STEPS, "16");
        md.put(StepContract.HIDDEN, "2");
        md.put(StepContract.WORKING_LENGTH, "97");
        md.put(StepContract.SEQ_LEN, "81");
        md.put(StepContract.VOCAB, "11");
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(1.5f).putFloat(-2f);
        md.put(StepContract.Y_INIT, Base64.getEncoder().encodeToString(b.array()));
        md.put(StepContract.Z_INIT, Base64.getEncoder().encodeToString(b.array()));
        return md;
    }

    @Test
    void metadataIsChecked() {
        ModelInfo info = ModelInfo.of(metadata(), "m.onnx");
        assertEquals(16, info.haltMaxSteps());
        assertEquals(-2f, info.yInit()[1]);
        Map<String, String> none = new HashMap<>();
        assertTrue(assertThrows(ModelLoadException.class, () -> ModelInfo.of(none, "m.onnx")).getMessage()
                .contains("m.onnx: an ONNX file without TRM metadata"));
        Map<String, String> v2 = metadata();
        v2.put(StepContract.FORMAT, "2");
        assertTrue(assertThrows(ModelLoadException.class, () -> ModelInfo.of(v2, "m.onnx")).getMessage()
                .contains("unsupported TRM format version 2"));
        Map<String, String> badNumber = metadata();
        badNumber.put(StepContract.HALT_MAX_STEPS, "many");
        assertTrue(assertThrows(ModelLoadException.class, () -> ModelInfo.of(badNumber, "m.onnx")).getMessage()
                .contains("'trm.N_sup' is 'many'"));
        Map<String, String> shortInit = metadata();
        shortInit.put(StepContract.HIDDEN, "3");
        assertTrue(assertThrows(ModelLoadException.class, () -> ModelInfo.of(shortInit, "m.onnx")).getMessage()
                .contains("holds 2 floats, expected D = 3"));
    }

    @Test
    void onlyOnnxRuntime129OrLaterWithALongCommandLineAndNoVariableIsRefused() {
        String refused = ModelLoader.commandLineProblem("1.29.0", null, () -> 4400);
        assertTrue(refused.contains("4400 bytes") && refused.contains("ONNX Runtime 1.29.0") && refused.contains("ORT_DISABLE_TELEMETRY=1")
                && refused.contains("1.28.0"), refused);
        assertTrue(ModelLoader.commandLineProblem("1.30.1", null, () -> 4400) != null, "a later release too");
        assertTrue(ModelLoader.commandLineProblem(null, null, () -> 4400) != null, "an unknown version counts as one that crashes");
        assertEquals(null, ModelLoader.commandLineProblem("1.28.0", null, () -> 4400), "the pinned release does not crash");
        assertEquals(null, ModelLoader.commandLineProblem("1.29.0", "1", () -> 4400), "with the variable set");
        assertEquals(null, ModelLoader.commandLineProblem("1.29.0", null, () -> 2000), "a short command line");
        assertEquals(null, ModelLoader.commandLineProblem("1.29.0", null, () -> -1), "no /proc/self/cmdline");
    }
}
