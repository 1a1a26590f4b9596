package dev.trm.cli;

import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import dev.trm.serve.StaticPage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trm page}: the "watch it think" page as a static folder (the page, ONNX Runtime Web and one
 * model), which any static web server can host: visitors' browsers run the model, no server does.
 */
@Command(name = "page", mixinStandardHelpOptions = true,
        description = "Write the page, ONNX Runtime Web and a model into a folder that any static web server can host: puzzles are"
                + " solved in the visitor's browser (WebAssembly, in a Web Worker), with no trm serve behind it.")
final class PageCommand implements Callable<Integer> {
    @Option(names = {"-o", "--out"}, required = true, description = "the folder to write (must not exist, or be empty)")
    Path out;

    @Option(names = {"-m", "--model"}, description = "the Sudoku model to put in it (default: the bundled model; the int8 export"
            + " models/sudoku-default-int8.onnx is the smallest)")
    Path model;

    @Option(names = "--name", description = "the model's name on the page (default: the file's name without .onnx)")
    String name;

    @Override
    public Integer call() throws Exception {
        byte[] bytes = model == null ? BundledModel.bytes() : ModelLoader.read(model);
        String task;
        try (TrmModel loaded = TrmModel.load(bytes, RuntimeConfig.cpu())) { // the file is a TRM step this page can draw
            task = loaded.info().task();
        }
        if (!task.equals("sudoku")) {
            throw new IllegalArgumentException((model == null ? "the bundled model" : model) + " is a " + task
                    + " model; the page solves Sudoku");
        }
        String shown = name != null ? name : model == null ? BundledModel.NAME
                : model.getFileName().toString().replaceFirst("(?i)\\.onnx$", "");
        StaticPage.write(out, shown, task, bytes);
        System.out.printf(Locale.ROOT, "wrote %s: the page, ONNX Runtime Web and %s (%,d bytes in all); host it with any static"
                + " web server, for example: python3 -m http.server --bind 127.0.0.1 --directory %s 8000%n", out, shown,
                StaticPage.size(out), out.toAbsolutePath());
        return 0;
    }
}
