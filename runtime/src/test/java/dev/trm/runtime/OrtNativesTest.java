package dev.trm.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;

/**
 * Once an application opts in, ONNX Runtime's natives come from one cache folder, and the empty
 * folders it leaves in the temp directory are cleaned (without the call the runtime touches nothing:
 * {@code RuntimeFootprintTest} in integration-tests).
 */
class OrtNativesTest {
    @Test
    void optingInUnpacksTheLibrariesIntoTheCacheFolderAndPointsOnnxRuntimeThere() {
        OrtNatives.useCache();
        ModelLoader.environment();
        String path = System.getProperty(OrtNatives.NATIVE_PATH);
        assertTrue(path != null && Files.exists(Paths.get(path, System.mapLibraryName("onnxruntime"))), "natives cached in " + path);
    }

    @Test
    void staleEmptyTemporaryFoldersAreRemovedAndOthersKept() throws IOException {
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
        Path stale = Files.createTempDirectory(tmp, "onnxruntime-java");
        Path fresh = Files.createTempDirectory(tmp, "onnxruntime-java");
        Path busy = Files.createTempDirectory(tmp, "onnxruntime-java");
        Files.writeString(busy.resolve("libonnxruntime.so"), "x");
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 2 * 3600_000L);
        Files.setLastModifiedTime(stale, old);
        Files.setLastModifiedTime(busy, old);
        try {
            OrtNatives.removeStaleTempFolders();
            assertTrue(Files.notExists(stale), "an old empty folder of a finished or killed run is removed");
            assertTrue(Files.exists(fresh), "a folder a starting process just made is left");
            assertTrue(Files.exists(busy), "a folder with libraries in it is left");
        } finally {
            Files.deleteIfExists(busy.resolve("libonnxruntime.so"));
            Files.deleteIfExists(busy);
            Files.deleteIfExists(fresh);
            Files.deleteIfExists(stale);
        }
    }
}
