package dev.trm.serve;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "watch it think" page: {@code GET /} and its assets under {@code /ui/}, plain HTML, CSS and
 * JavaScript modules bundled in the serve jar (no CDN), with ONNX Runtime Web for the in-browser mode
 * under {@code ort/} (the ort-web module's jar: fetched by the build, its WebAssembly gzipped). The files hold no data;
 * every call the page makes goes to the API and needs a token where the API does. {@code /ui/site.json}
 * tells the page that a server is behind it (a static folder from {@code trm page} says otherwise).
 */
final class PageAssets {
    private static final String ROOT = "/dev/trm/serve/ui/";
    /** Where the ort-web jar keeps ONNX Runtime Web: the page's {@code ort/} files. */
    private static final String ORT = "ort/";
    private static final String ORT_ROOT = "/dev/trm/web/ort/";
    /** The files served, by name: a fixed list, so no path from a request ever reaches the class path. */
    static final List<String> FILES = List.of("index.html", "style.css", "app.js", "board.js", "stream.js",
            "browser/browser-solver.js", "browser/solver-worker.js", "browser/recursion.js", "browser/sudoku.js", "browser/onnx-metadata.js",
            "ort/ort.wasm.min.mjs", "ort/ort-wasm-simd-threaded.mjs", "ort/ort-wasm-simd-threaded.wasm.gz", "ort/package.json");
    /** What the page reads first: whether a server answers its API calls, or it runs only in the browser. */
    static final String SITE = "site.json";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "mjs", "text/javascript; charset=utf-8", "gz", "application/gzip",
            "json", "application/json");

    private final Map<String, Reply> replies = new LinkedHashMap<>();

    /** The files read once per process (ONNX Runtime Web's 3.7 MB among them), shared by every server it starts. */
    private static PageAssets shared;

    static synchronized PageAssets shared() {
        if (shared == null) {
            shared = new PageAssets();
        }
        return shared;
    }

    private PageAssets() {
        for (String name : FILES) {
            try (InputStream in = open(name)) {
                String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
                replies.put(name, new Reply(ApiError.OK, type, Map.of("Cache-Control", "no-cache"), in.readAllBytes(), 0));
            } catch (IOException e) {
                throw new UncheckedIOException("the page's " + name + " cannot be read", e);
            }
        }
        replies.put(SITE, Reply.json(ApiError.OK, JsonNodeFactory.instance.objectNode().put("mode", "server")));
    }

    /** A file of the page as the jar holds it (for {@code trm page}, which writes them to a folder). */
    static InputStream open(String name) {
        String resource = name.startsWith(ORT) ? ORT_ROOT + name.substring(ORT.length()) : ROOT + name;
        InputStream in = PageAssets.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("the page's " + name + " is missing from this build (" + resource + ")");
        }
        return in;
    }

    /** {@code /} or {@code /ui/NAME}: the file, or a 404. */
    Reply get(String path) {
        String name = path.equals("/") ? "index.html" : path.substring("/ui/".length());
        Reply r = replies.get(name);
        if (r == null) {
            throw new ApiError(ApiError.NOT_FOUND, "no such path: " + path);
        }
        return r;
    }
}
