package dev.trm.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The page as a static folder that any web server can host, with no {@code trm serve} behind it:
 * {@code index.html}, its scripts and ONNX Runtime Web under {@code ui/}, one model under
 * {@code models/}, and {@code ui/site.json} telling the page to solve in the visitor's browser.
 * Written to a temporary folder beside the target and renamed, so a failed write leaves nothing.
 */
public final class StaticPage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDEX = "index.html";
    private static final String ASSETS = "ui";
    private static final String MODELS = "models";

    private StaticPage() {
    }

    /**
     * Writes the folder.
     *
     * @param out   a folder that does not exist yet (or is empty)
     * @param name  the model's name on the page (letters, digits, '-', '_', '.')
     * @param task  the model's task ({@code sudoku})
     * @param model the model file's bytes
     */
    public static void write(Path out, String name, String task, byte[] model) throws IOException {
        if (!name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
            throw new IllegalArgumentException("model name '" + name + "': use letters, digits, '-', '_' and '.' (not first)");
        }
        if (Files.exists(out) && !isEmptyFolder(out)) {
            throw new IOException("cannot write the page to " + out + ": it exists and is not an empty folder; give a new folder");
        }
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempDirectory(parent, "." + out.getFileName() + ".");
        try {
            for (String file : PageAssets.FILES) {
                Path to = temp.resolve(file.equals(INDEX) ? INDEX : ASSETS + "/" + file);
                Files.createDirectories(to.getParent());
                try (InputStream in = PageAssets.open(file)) {
                    Files.copy(in, to);
                }
            }
            Path modelFile = temp.resolve(MODELS).resolve(name + ".onnx");
            Files.createDirectories(modelFile.getParent());
            Files.write(modelFile, model);
            ObjectNode site = JSON.createObjectNode().put("mode", "static");
            site.putArray("models").addObject().put("name", name).put("task", task).put("url", MODELS + "/" + name + ".onnx");
            JSON.writerWithDefaultPrettyPrinter().writeValue(temp.resolve(ASSETS).resolve(PageAssets.SITE).toFile(), site);
            Files.deleteIfExists(out); // an empty folder
            Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(temp); // gone already after the move
        }
    }

    /** Bytes of every file under a folder. */
    public static long size(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static boolean isEmptyFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
