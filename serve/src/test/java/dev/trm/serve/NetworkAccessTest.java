package dev.trm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may call a server put on a network: tokens, the loopback-only default, TLS, and slow callers. */
class NetworkAccessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "sudoku";
    private static final String TOKEN = "s3cret-token-for-tests";
    private static TrmModel model;
    private static String puzzle;
    private SolveServer server;
    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        model = TrmModel.load(Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx"), RuntimeConfig.cpu());
        puzzle = new SudokuGenerator(41).next(SudokuGenerator.Difficulty.givens(30, 34)).question().toLine();
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SolveServer start(ServeConfig.Access access) throws IOException {
        server = SolveServer.start(ServeConfig.defaults().withPort(0).withAccess(access), Map.of(MODEL, model));
        return server;
    }

    private Tokens tokens(String... lines) throws IOException {
        Path file = dir.resolve("tokens");
        Files.write(file, List.of(lines));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return Tokens.read(file);
    }

    private String solveBody() {
        return JSON.createObjectNode().set("puzzles", JSON.createArrayNode().add(puzzle)).toString();
    }

    private static void assertUnauthorized(HttpResponse<String> r) throws IOException {
        assertEquals(401, r.statusCode(), r.body());
        assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(null));
        assertTrue(JSON.readTree(r.body()).path("error").asText().contains("token"), r.body());
        assertTrue(!r.body().contains(TOKEN), "the answer never repeats a token");
    }

    @Test
    void everyV1AndV2RequestNeedsABearerTokenWhileTheProbesStayOpen() throws Exception {
        Http http = new Http(start(ServeConfig.Access.open().withTokens(tokens("# who may call", "", "first-token", "  " + TOKEN + "  "))));
        assertUnauthorized(http.post("/v1/solve", solveBody()));
        assertUnauthorized(http.post("/v1/solve", solveBody(), "Authorization", "Bearer wrong-" + TOKEN));
        assertUnauthorized(http.post("/v1/solve", solveBody(), "Authorization", "Basic " + TOKEN));
        assertUnauthorized(http.get("/v1/models"));
        assertUnauthorized(http.get("/v2"));
        assertUnauthorized(http.get("/v2/models/" + MODEL));
        assertUnauthorized(http.post("/v2/models/" + MODEL + "/infer", "{}"));
        assertUnauthorized(http.post("/v1/models/" + MODEL + "/reload", ""));
        assertUnauthorized(http.get("/v1/models/" + MODEL + "/onnx"));
        assertEquals(200, http.post("/v1/solve", solveBody(), "Authorization", "Bearer " + TOKEN).statusCode());
        assertEquals(200, http.get("/v1/models", "Authorization", "bearer first-token").statusCode(), "the scheme is case-insensitive");
        for (String probe : List.of("/healthz", "/readyz", "/v2/health/live", "/v2/health/ready", "/metrics")) {
            assertEquals(200, http.get(probe).statusCode(), probe + " stays open for probes and scrapers");
        }
        assertTrue(http.get("/metrics").body().contains("trm_requests_total{status=\"401\"}"), "refusals of solve requests are counted");
    }

    @Test
    void metricsNeedATokenWhenTold() throws Exception {
        Http http = new Http(start(ServeConfig.Access.open().withTokens(tokens(TOKEN)).withMetricsNeedToken(true)));
        assertUnauthorized(http.get("/metrics"));
        assertEquals(200, http.get("/metrics", "Authorization", "Bearer " + TOKEN).statusCode());
        assertEquals(200, http.get("/healthz").statusCode());
    }

    @Test
    void aTokenFileReadableByOthersIsWarnedAboutAndABadOneIsRefusedNamingFileAndLine() throws IOException {
        assertNull(tokens(TOKEN).warning(), "0600: no warning");
        Path open = dir.resolve("open-tokens");
        Files.write(open, List.of(TOKEN));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(Tokens.read(open).warning().contains("chmod 600"), "0644 is warned about");
        Files.write(open, List.of("# only a comment", ""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tokens.read(open)).getMessage().contains("no token"));
        Files.write(open, List.of("good", "two words"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tokens.read(open)).getMessage().contains(open + ":2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tokens.read(dir.resolve("missing"))).getMessage()
                .contains("--token-file"));
    }

    @Test
    void bindingAnAddressBeyondLoopbackWithoutTokensIsRefusedNamingTheFlags() throws IOException {
        ServeConfig wildcard = ServeConfig.defaults().withPort(0).withHost("0.0.0.0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SolveServer.start(wildcard, Map.of(MODEL, model)));
        assertTrue(e.getMessage().contains("--token-file") && e.getMessage().contains("--allow-unauthenticated"), e.getMessage());
        // with tokens, or open on purpose, it listens (nothing is sent to the wildcard address)
        SolveServer.start(wildcard.withAccess(ServeConfig.Access.open().withTokens(tokens(TOKEN))), Map.of(MODEL, model)).close();
        SolveServer.start(wildcard.withAccess(ServeConfig.Access.open().withAllowUnauthenticated(true)), Map.of(MODEL, model)).close();
    }

    @Test
    void tlsServesWithACertificateChainAndEachKindOfKey() throws Exception {
        TestCa ca = new TestCa(7);
        for (TestCa.KeyForm form : TestCa.KeyForm.values()) {
            TlsFiles files = ca.serverFiles(dir, form);
            String header = Files.readAllLines(files.key()).get(0);
            assertEquals(switch (form) {
                case PKCS8_RSA -> "-----BEGIN PRIVATE KEY-----";
                case PKCS1_RSA -> "-----BEGIN RSA PRIVATE KEY-----";
                case SEC1_EC -> "-----BEGIN EC PRIVATE KEY-----";
            }, header, "the key file is in the form under test");
            start(ServeConfig.Access.open().withTls(files));
            assertTrue(server.url().startsWith("https://127.0.0.1:"), server.url());
            HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).build();
            HttpResponse<String> r = new Http(client, server.url()).post("/v1/solve", solveBody());
            assertEquals(200, r.statusCode(), form + ": " + r.body());
            assertEquals("TLSv1.3", r.sslSession().orElseThrow().getProtocol(), form + ": TLS 1.3 when the client offers it");
            SSLParameters only12 = new SSLParameters();
            only12.setProtocols(new String[] {"TLSv1.2"});
            HttpClient old = HttpClient.newBuilder().sslContext(ca.clientContext()).sslParameters(only12).build();
            HttpResponse<String> r12 = new Http(old, server.url()).get("/healthz");
            assertEquals("TLSv1.2", r12.sslSession().orElseThrow().getProtocol(), form + ": TLS 1.2 is still spoken");
            server.close();
            server = null;
        }
    }

    @Test
    void tlsFilesThatAreNotPemAreRefusedNamingTheFile() throws Exception {
        TlsFiles good = new TestCa(8).serverFiles(dir, TestCa.KeyForm.PKCS8_RSA);
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "not a certificate\n");
        IllegalArgumentException cert = assertThrows(IllegalArgumentException.class, () -> new TlsFiles(junk, good.key()).serverContext());
        assertTrue(cert.getMessage().contains("--tls-cert " + junk), cert.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> new TlsFiles(good.certificate(), junk).serverContext());
        assertTrue(key.getMessage().contains("--tls-key " + junk), key.getMessage());
    }

    @Test
    void aPlainHttpRequestToTheTlsPortFailsCleanlyAndTheServerGoesOnServing() throws Exception {
        TestCa ca = new TestCa(9);
        start(ServeConfig.Access.open().withTls(ca.serverFiles(dir, TestCa.KeyForm.SEC1_EC)));
        try (Socket plain = new Socket("127.0.0.1", server.address().getPort())) {
            plain.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            plain.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] back = plain.getInputStream().readAllBytes(); // the server closes the connection
            assertTrue(!new String(back, StandardCharsets.ISO_8859_1).contains("\"status\""), "no answer in plain text");
        }
        HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).build();
        assertEquals(200, new Http(client, server.url()).get("/healthz").statusCode(), "the server still serves TLS callers");
    }

    @Test
    void aRequestThatDoesNotArriveWholeInTheReadTimeoutGets408WhileOthersAreAnswered() throws Exception {
        server = SolveServer.start(ServeConfig.defaults().withPort(0).withReadTimeout(Duration.ofMillis(800)), Map.of(MODEL, model));
        Http http = new Http(server);
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) { // slowloris: a request line, then a header now and then, never the end
                Socket s = new Socket("127.0.0.1", server.address().getPort());
                s.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
                s.getOutputStream().write("POST /v1/solve HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            for (int round = 0; round < 3; round++) {
                for (Socket s : slow) {
                    OutputStream out = s.getOutputStream();
                    out.write(("X-Slow-" + round + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                assertEquals(200, http.get("/healthz").statusCode(), "probes are answered while slow callers hold connections");
                assertEquals(200, http.post("/v1/solve", solveBody()).statusCode(), "so is work");
                Thread.sleep(200);
            }
            for (Socket s : slow) {
                InputStream in = s.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // until the server closes it
                assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void aBodyShorterThanItsContentLengthGets408AndIsNotCountedAsASolve() throws Exception {
        server = SolveServer.start(ServeConfig.defaults().withPort(0).withReadTimeout(Duration.ofMillis(500)), Map.of(MODEL, model));
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            s.getOutputStream().write("POST /v1/solve HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"puzzles\": [".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("did not arrive whole"), answer);
        }
        String metrics = new Http(server).get("/metrics").body();
        assertTrue(!metrics.contains("trm_requests_total{"), "nothing was answered as a solve request:\n" + metrics);
    }
}
