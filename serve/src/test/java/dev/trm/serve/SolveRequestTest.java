package dev.trm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The solve body decoded without HTTP: each field's check and the error that names it. */
class SolveRequestTest {
    static final String PUZZLE = "98.7..6..5..8.......7.9..857...4...9.9.5.34....4....2.1..3......7..8...1......26.";
    static TrmModel model;
    static Map<String, TrmModel> models;

    @BeforeAll
    static void load() {
        model = TrmModel.load(Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx"), RuntimeConfig.cpu());
        models = Map.of("sudoku", model);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static SolveRequest decode(String json) {
        return SolveRequest.decode(json.getBytes(StandardCharsets.UTF_8), models, ServeConfig.defaults().withMaxQueue(2));
    }

    private static ApiError refused(String json) {
        return assertThrows(ApiError.class, () -> decode(json));
    }

    @Test
    void aBodyGivesItsPuzzlesParsedItsConfigAndItsDeadline() {
        SolveRequest r = decode("{\"puzzles\": [\"" + PUZZLE + "\"], \"effort\": \"plain\", \"policy\": \"fixed\", \"seed\": 4,"
                + " \"timeout_ms\": 1500}");
        assertEquals("sudoku", r.model(), "the first model is the default");
        assertEquals(PUZZLE, r.puzzles().get(0).text());
        assertEquals("plain", r.config().effortName());
        assertEquals(4, r.config().effort().seed());
        assertEquals(Duration.ofMillis(1500), r.timeout());
        assertEquals(ServeConfig.DEFAULT_TIMEOUT, decode("{\"puzzles\": [\"" + PUZZLE + "\"]}").timeout());
    }

    @Test
    void eachBadFieldIsRefusedWithItsNameAndTheRightStatus() {
        assertTrue(refused("[1]").getMessage().contains("JSON object"));
        assertTrue(refused("{\"puzzles\": [\"" + PUZZLE + "\"], \"colour\": 1}").getMessage().contains("unknown field 'colour'"));
        assertTrue(refused("{\"puzzles\": []}").getMessage().startsWith("puzzles:"));
        ApiError bad = refused("{\"puzzles\": [\"" + PUZZLE + "\", \"123\"]}");
        assertEquals(ApiError.BAD_REQUEST, bad.status);
        assertEquals(1, bad.index);
        assertEquals(ApiError.TOO_LARGE, refused("{\"puzzles\": [\"" + PUZZLE + "\", \"" + PUZZLE + "\", \"" + PUZZLE + "\"]}").status,
                "more puzzles than the queue holds");
        assertTrue(refused("{\"puzzles\": [\"" + PUZZLE + "\"], \"model\": \"chess\"}").getMessage().startsWith("model:"));
        assertTrue(refused("{\"puzzles\": [\"" + PUZZLE + "\"], \"effort\": \"lots\"}").getMessage().startsWith("effort:"));
        assertTrue(refused("{\"puzzles\": [\"" + PUZZLE + "\"], \"seed\": \"x\"}").getMessage().startsWith("seed:"));
        assertTrue(refused("{\"puzzles\": [\"" + PUZZLE + "\"], \"timeout_ms\": 0}").getMessage().startsWith("timeout_ms:"));
        assertTrue(refused("{\"puzzles\": [\"" + PUZZLE + "\"], \"policy\": 3}").getMessage().startsWith("policy: not a string"));
        assertTrue(refused("{\"puzzles\": [\"" + PUZZLE + "\"]").getMessage().startsWith("not JSON"));
    }

    @Test
    void lenientReadingsAreRefused() {
        String p = "\"" + PUZZLE + "\"";
        assertTrue(refused("{\"puzzles\": [" + p + "], \"puzzles\": [" + p + "]}").getMessage().contains("Duplicate field 'puzzles'"),
                "a key given twice");
        assertTrue(refused("{\"puzzles\": [" + p + "], \"seed\": 1.5}").getMessage().startsWith("seed:"), "a seed of 1.5 is not 1");
        assertTrue(refused("{\"puzzles\": [" + p + "], \"seed\": -1e18}").getMessage().startsWith("seed:"));
        assertTrue(refused("{\"puzzles\": [" + p + "], \"effort\": \"1xN,\"}").getMessage().startsWith("effort:"), "a trailing comma");
        String huge = "1xN".repeat(200_000);
        ApiError tooLong = refused("{\"puzzles\": [" + p + "], \"effort\": \"" + huge + "\"}");
        assertTrue(tooLong.getMessage().startsWith("effort: 600000 characters"), tooLong.getMessage());
        assertTrue(tooLong.getMessage().length() < 200, "the answer does not echo the 600 KB back");
        byte[] overlongNul = ("{\"puzzles\": [\"x\u0001\"]}").getBytes(StandardCharsets.UTF_8);
        overlongNul[15] = (byte) 0xC0; // "x" then C0 80: NUL in the overlong form UTF-8 forbids
        overlongNul = java.util.Arrays.copyOf(overlongNul, overlongNul.length + 1);
        System.arraycopy(overlongNul, 16, overlongNul, 17, overlongNul.length - 17);
        overlongNul[16] = (byte) 0x80;
        byte[] body = overlongNul;
        ApiError utf8 = assertThrows(ApiError.class, () -> SolveRequest.decode(body, models, ServeConfig.defaults()));
        assertEquals(ApiError.BAD_REQUEST, utf8.status, utf8.getMessage());
        assertTrue(utf8.getMessage().startsWith("not JSON") && utf8.getMessage().contains("UTF-8"), "refused as bad UTF-8, not read as a NUL: " + utf8.getMessage());
    }

    @Test
    void whatJacksonOrTheDeadlineCannotTakeIsA400NotASilentlyClosedConnection() {
        String p = "\"" + PUZZLE + "\"";
        ApiError deep = refused("{\"puzzles\": [" + p + "], \"seed\": " + "[".repeat(2000) + "]".repeat(2000) + "}");
        assertEquals(ApiError.BAD_REQUEST, deep.status);
        assertTrue(deep.getMessage().startsWith("not JSON"), deep.getMessage());
        ApiError digits = refused("{\"puzzles\": [" + p + "], \"seed\": " + "9".repeat(200_000) + "}");
        assertTrue(digits.getMessage().startsWith("not JSON"), digits.getMessage());
        assertTrue(refused("{\"puzzles\": [" + p + "], \"timeout_ms\": 9223372036854775807}").getMessage().startsWith("timeout_ms:"));
        assertTrue(refused("{\"puzzles\": [" + p + "], \"timeout_ms\": 1e13}").getMessage().startsWith("timeout_ms:"));
    }
}
