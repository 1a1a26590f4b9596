package dev.trm.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "watch it think" page: {@code GET /} and its assets under {@code /ui/}, plain HTML, CSS and
 * JavaScript modules bundled in the serve jar (no CDN, no build step). The files hold no data; every
 * call the page makes goes to the API and needs a token where the API does.
 */
final class PageAssets {
    private static final String ROOT = "/dev/trm/serve/ui/";
    /** The files served, by name: a fixed list, so no path from a request ever reaches the class path. */
    private static final List<String> FILES = List.of("index.html", "style.css", "app.js", "board.js", "stream.js");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8");

    private final Map<String, Reply> replies = new LinkedHashMap<>();

    PageAssets() {
        for (String name : FILES) {
            try (InputStream in = PageAssets.class.getResourceAsStream(ROOT + name)) {
                if (in == null) {
                    throw new IllegalStateException("the page's " + name + " is missing from this build (" + ROOT + name + ")");
                }
                String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
                replies.put(name, new Reply(ApiError.OK, type, Map.of("Cache-Control", "no-cache"), in.readAllBytes(), 0));
            } catch (IOException e) {
                throw new UncheckedIOException("the page's " + name + " cannot be read", e);
            }
        }
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
