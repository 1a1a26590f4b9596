package dev.trm.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.io.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile torch checkpoints give one-line errors naming the file and tensor, before anything large is built. */
class TorchCheckpointTest {
    @TempDir
    Path dir;

    private Path written(String name, float... values) throws IOException {
        Path file = dir.resolve(name);
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", SafeTensors.Tensor.of(values, values.length));
        TorchCheckpoint.write(file, tensors);
        return file;
    }

    @Test
    void aCheckpointReadsBackAsWritten() throws IOException {
        Map<String, SafeTensors.Tensor> back = TorchCheckpoint.read(written("ok.pt", 1f, 2f, 3f));
        assertEquals(3, back.get("w").floats().length);
    }

    @Test
    void aNonFiniteWeightIsRefusedNamingTheTensorAndElement() throws IOException {
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(written("nan.pt", 1f, Float.NaN, 3f)));
        assertTrue(e.getMessage().contains("tensor 'w' holds NaN at element 1"), e.getMessage());
    }

    /** The same checkpoint with one entry's content replaced. */
    private Path withEntry(Path from, String suffix, byte[] content, String name) throws IOException {
        Path out = dir.resolve(name);
        try (ZipFile zip = new ZipFile(from.toFile()); OutputStream o = Files.newOutputStream(out); ZipOutputStream z = new ZipOutputStream(o)) {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                z.putNextEntry(new ZipEntry(e.getName())); // deflated
                if (e.getName().endsWith(suffix)) {
                    z.write(content);
                } else {
                    try (InputStream in = zip.getInputStream(e)) {
                        in.transferTo(z);
                    }
                }
                z.closeEntry();
            }
        }
        return out;
    }

    @Test
    void aStorageThatInflatesPastWhatItDeclaresIsRefusedBeforeItIsRead() throws IOException {
        Path bomb = withEntry(written("small.pt", 1f, 2f, 3f), "/data/0", new byte[64 << 20], "bomb.pt"); // 64 MB of zeros, 12 declared
        assertTrue(Files.size(bomb) < 1 << 20, "it is small on disk");
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(bomb));
        assertTrue(e.getMessage().contains("storage 0 of tensor 'w'") && e.getMessage().contains("12"), e.getMessage());
    }

    @Test
    void anEmptyPickleIsAnErrorNamingTheFile() throws IOException {
        Path empty = withEntry(written("e.pt", 1f), "/data.pkl", new byte[0], "empty-pickle.pt");
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(empty));
        assertTrue(e.getMessage().contains("empty-pickle.pt") && e.getMessage().contains("data.pkl"), e.getMessage());
    }

    @Test
    void anUnknownStorageTypeIsNamedAsPythonNamesIt() throws IOException {
        Path ok = written("s.pt", 1f);
        byte[] pickle;
        try (ZipFile zip = new ZipFile(ok.toFile())) {
            ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith("/data.pkl")).findFirst().orElseThrow();
            try (InputStream in = zip.getInputStream(entry)) {
                pickle = in.readAllBytes();
            }
        }
        String text = new String(pickle, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("FloatStorage"), "the pickle names its storage class");
        byte[] other = text.replace("FloatStorage", "ComplexFloatStorage").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path odd = withEntry(ok, "/data.pkl", other, "complex.pt");
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(odd));
        assertTrue(e.getMessage().contains("torch.ComplexFloatStorage") && !e.getMessage().contains("@"), e.getMessage());
    }
}
