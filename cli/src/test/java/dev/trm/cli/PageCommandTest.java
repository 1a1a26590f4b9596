package dev.trm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trm page}: the static folder of the page, ONNX Runtime Web and one model; bad input leaves nothing. */
class PageCommandTest {
    private static final Path INT8 = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default-int8.onnx");

    @TempDir
    Path dir;

    @Test
    void theFolderHoldsThePageOnnxRuntimeWebAndTheModelAndSaysSo() throws Exception {
        Path site = dir.resolve("site");
        TrmCommandTest.Run run = TrmCommandTest.trm("page", "-o", site.toString(), "--model", INT8.toString());
        assertEquals(0, run.code(), run.err());
        for (String file : new String[] {"index.html", "ui/app.js", "ui/browser/recursion.js", "ui/browser/solver-worker.js",
                "ui/ort/ort.wasm.min.mjs", "ui/ort/ort-wasm-simd-threaded.wasm.gz"}) {
            assertTrue(Files.isRegularFile(site.resolve(file)), file);
        }
        assertArrayEquals(Files.readAllBytes(INT8), Files.readAllBytes(site.resolve("models/sudoku-default-int8.onnx")));
        JsonNode siteJson = new ObjectMapper().readTree(site.resolve("ui/site.json").toFile());
        assertEquals("static", siteJson.get("mode").asText());
        assertEquals("models/sudoku-default-int8.onnx", siteJson.get("models").get(0).get("url").asText());
        assertEquals("sudoku", siteJson.get("models").get(0).get("task").asText());
    }

    @Test
    void aFolderInUseOrAFileThatIsNoModelIsRefusedAndNothingIsLeftBehind() throws Exception {
        Path used = Files.createDirectories(dir.resolve("used"));
        Files.writeString(used.resolve("keep.txt"), "mine");
        TrmCommandTest.Run refused = TrmCommandTest.trm("page", "-o", used.toString());
        assertEquals(Trm.EXIT_BAD_INPUT, refused.code());
        assertTrue(refused.err().contains("not an empty folder"), refused.err());
        Path notAModel = Files.writeString(dir.resolve("notes.onnx"), "# not a model");
        TrmCommandTest.Run bad = TrmCommandTest.trm("page", "-o", dir.resolve("site").toString(), "--model", notAModel.toString());
        assertEquals(Trm.EXIT_BAD_INPUT, bad.code());
        assertTrue(bad.err().contains("notes.onnx") && bad.err().contains("not an ONNX model"), bad.err());
        assertFalse(Files.exists(dir.resolve("site")));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(2, left.count(), "only the folder in use and the bad file: no temporary folder left");
        }
    }
}
