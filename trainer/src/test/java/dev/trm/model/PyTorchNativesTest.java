package dev.trm.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

class PyTorchNativesTest {
    @Test
    void theTestClassPathHasTheNatives() {
        assertDoesNotThrow(() -> PyTorchNatives.require("training"));
    }

    @Test
    void aClassPathWithoutThemStopsWithTheBuildCommand() throws IOException {
        try (URLClassLoader bare = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            PyTorchNatives.MissingException e = assertThrows(PyTorchNatives.MissingException.class,
                    () -> PyTorchNatives.require("training", bare));
            assertTrue(e.getMessage().startsWith("training needs PyTorch's native libraries"), e.getMessage());
            assertTrue(e.getMessage().contains("-Dtrm.pytorch=false"), e.getMessage());
            assertTrue(e.getMessage().endsWith(PyTorchNatives.BUILD_COMMAND), e.getMessage());
        }
    }
}
