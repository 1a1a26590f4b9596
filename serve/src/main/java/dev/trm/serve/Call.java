package dev.trm.serve;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.CompletableFuture;

/**
 * One HTTP request as the routes see it: whole (its body read), and with a future that completes
 * when the caller's connection closes, so work for a caller who left can stop.
 *
 * @param method  GET, POST, ...
 * @param path    the path, without the query
 * @param headers the request's headers
 * @param body    the body's bytes (empty for none)
 * @param remote  the caller's address, for the access log
 * @param gone    completes when the connection closes (the caller left, or the answer was the last on it)
 */
record Call(String method, String path, HttpHeaders headers, byte[] body, String remote, CompletableFuture<Void> gone) {
    String header(String name) {
        return headers.get(name);
    }
}
