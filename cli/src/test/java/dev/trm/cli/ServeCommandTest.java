package dev.trm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trm serve} as a process: it says where it listens, SIGTERM drains it to exit 0, SIGHUP reloads. */
class ServeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private static final Path MODEL = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx");

    @Test
    void sigtermAnswersTheRequestInFlightThenExitsZeroAndLeavesNothingOfOnnxRuntimesInItsHome() throws Exception {
        // the class path goes in CLASSPATH, as a launcher would pass it (the command line stays short); an empty home
        // and no ORT_DISABLE_TELEMETRY: the ONNX Runtime this build pins writes nothing there
        Path home = Files.createDirectory(dir.resolve("home"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Duser.home=" + home,
                Trm.class.getName(), "serve", "--port", "0", "--model", "sudoku=" + MODEL);
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("XDG_CACHE_HOME");
        pb.environment().remove("ORT_DISABLE_TELEMETRY");
        Path errFile = dir.resolve("serve.err");
        pb.redirectError(errFile.toFile());
        Process server = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null) {
                throw new AssertionError("trm serve ended (" + server.waitFor() + "): " + Files.readString(errFile));
            }
            assertTrue(line.matches("listening on http://127\\.0\\.0\\.1:\\d+"), "first line: " + line);
            String base = line.substring("listening on ".length());
            HttpClient client = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/solve"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"puzzles\": [\"" + TrmCommandTest.PUZZLE
                            + "\"], \"effort\": \"1x200\", \"policy\": \"fixed\"}")).build(), HttpResponse.BodyHandlers.ofString());
            awaitSteps(client, base);
            server.destroy(); // SIGTERM
            HttpResponse<String> answered = inFlight.get(60, TimeUnit.SECONDS);
            assertEquals(200, answered.statusCode(), answered.body());
            JsonNode solution = JSON.readTree(answered.body()).get("solutions").get(0);
            assertEquals(200, solution.get("steps").asInt());
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server stopped");
            assertEquals(0, server.exitValue());
            String err = Files.readString(errFile);
            assertTrue(err.contains("every request answered"), err);
            assertFalse(Files.exists(home.resolve(".cache/Microsoft")), "ONNX Runtime wrote under the home's .cache/Microsoft");
        } finally {
            server.destroyForcibly();
        }
    }

    /** Waits until the server has run a step (the request is in the batch). */
    private static void awaitSteps(HttpClient client, String base) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            String metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (metrics.lines().anyMatch(l -> l.startsWith("trm_step_seconds_count") && !l.endsWith(" 0"))) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no step ran in 30 s");
    }

    @Test
    void badServeOptionsAreNamed() {
        for (List<String> args : List.of(List.of("serve", "--model", "nofile"), List.of("serve", "--max-batch", "0"),
                List.of("serve", "--model", "a=" + MODEL, "--model", "a=" + MODEL), List.of("serve", "--timeout", "0"))) {
            TrmCommandTest.Run r = TrmCommandTest.trm(args.toArray(new String[0]));
            assertEquals(1, r.code(), args + ": " + r.err());
        }
        assertTrue(TrmCommandTest.trm("serve", "--model", "nofile").err().contains("expected NAME=FILE"));
        assertTrue(TrmCommandTest.trm("serve", "--max-batch", "0").err().contains("max batch: must be at least 1"));
    }

    @Test
    void sighupReloadsTheModelFileAndAnAddressBeyondLoopbackNeedsTokens() throws Exception {
        Path served = dir.resolve("model.onnx");
        Files.copy(MODEL, served);
        // env --default-signal=HUP: SIGHUP back to its default in the server, in case this test runs under nohup (a JVM started
        // with SIGHUP ignored keeps ignoring it, and trm serve then says so instead of reloading)
        ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=HUP", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                Trm.class.getName(), "serve", "--port", "0", "--model", "sudoku=" + served, "--access-log", "off");
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        Path errFile = dir.resolve("serve.err");
        pb.redirectError(errFile.toFile());
        Process server = pb.start();
        try {
            String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(line != null && line.startsWith("listening on "), "first line: " + line + Files.readString(errFile));
            String base = line.substring("listening on ".length());
            HttpClient client = HttpClient.newHttpClient();
            String before = sha256(client, base);
            Path int8 = MODEL.resolveSibling("sudoku-default-int8.onnx");
            Files.copy(int8, dir.resolve("incoming"));
            Files.move(dir.resolve("incoming"), served, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).start().waitFor();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sha256(client, base).equals(before)) {
                assertTrue(System.nanoTime() < end, "SIGHUP reloaded nothing: " + Files.readString(errFile));
                Thread.sleep(20);
            }
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(int8))),
                    sha256(client, base));
            server.destroy();
            assertTrue(server.waitFor(60, TimeUnit.SECONDS));
            assertTrue(Files.readString(errFile).contains("trm serve: reload sudoku: reloaded"), Files.readString(errFile));
        } finally {
            server.destroyForcibly();
        }
        // listening beyond loopback without tokens is refused before anything binds
        TrmCommandTest.Run open = TrmCommandTest.trm("serve", "--host", "0.0.0.0", "--port", "0", "--model", "a=" + MODEL);
        assertEquals(1, open.code(), open.err());
        assertTrue(open.err().contains("--token-file") && open.err().contains("--allow-unauthenticated"), open.err());
    }

    private static String sha256(HttpClient client, String base) throws Exception {
        String body = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(body).get("models").get(0).get("sha256").asText();
    }
}
