package dev.trm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page's in-browser mode: ONNX Runtime Web (WebAssembly) in a Web Worker runs the exported step,
 * and the page's loop gives the Java runtime's answers, steps and halting (the conformance fixture);
 * the page stays responsive during a long run; and the static folder of {@code trm page} solves a
 * puzzle from a plain static server with no {@code trm serve} behind it.
 */
class BrowserSolverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MODELS = Path.of(System.getProperty("trm.models.dir", "../models"));
    private static final String FP32 = "sudoku-default";
    private static final String INT8 = "sudoku-default-int8";
    private static final Duration WAIT = Duration.ofSeconds(120);
    /**
     * How far the browser's halt probabilities may lie from the Java runtime's: WebAssembly's kernels round otherwise, and
     * the recursion carries the difference from step to step (measured at most 1.5e-4 by the eighth step of the fixture).
     */
    private static final double HALT_PROBABILITY_TOLERANCE = 1e-3;
    /** The most the folder of {@code trm page} with the int8 model may hold, ONNX Runtime Web included (docs/edge.md). */
    private static final long STATIC_FOLDER_LIMIT = 15_000_000;
    private static final String EVERYDAY = ".8.1.....16.9785...9...2.8161..5..93.2.....7.....8....246.9....35.6...47.7..356..";
    private static SolveServer server;
    private static Chromium chromium;
    private static WebDriver browser;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = SolveServer.start(ServeConfig.defaults().withPort(0).withAccess(ServeConfig.Access.open().withAccessLog(false)),
                List.of(FP32, INT8), ModelFiles.of(Map.of(FP32, MODELS.resolve(FP32 + ".onnx"), INT8, MODELS.resolve(INT8 + ".onnx"))),
                RuntimeConfig.cpu());
        chromium = Chromium.start();
        browser = chromium.driver;
        browser.manage().timeouts().scriptTimeout(Duration.ofMinutes(5));
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Runs the cases in the page's worker (the page's own BrowserSolver), each step's answer and halt probability kept. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> solveInThePage(String modelUrl, List<Map<String, String>> cases) {
        Object result = ((JavascriptExecutor) browser).executeAsyncScript("""
                const [url, cases, done] = arguments;
                (async () => {
                  const { BrowserSolver } = await import("./ui/browser/browser-solver.js");
                  const solver = new BrowserSolver();
                  const loaded = await solver.load({ url });
                  const results = [];
                  for (const c of cases) {
                    const trace = [];
                    const r = await solver.solve(c.puzzle, c.policy, (name, data) => {
                      if (name === "step") trace.push({ answer: data.answer, halt_probability: data.halt_probability });
                    });
                    results.push({ ...r, trace });
                  }
                  solver.worker.terminate();
                  return { loadMs: loaded.ms, results };
                })().then(done, (e) => done({ error: String(e) }));
                """, modelUrl, cases);
        Map<String, Object> out = (Map<String, Object>) result;
        assertTrue(!out.containsKey("error"), () -> "the page's solver failed: " + out.get("error"));
        System.out.printf(Locale.ROOT, "BrowserSolverTest: a new worker took %.0f ms to load ONNX Runtime Web (inflating its WebAssembly)"
                + " and %s%n", ((Number) out.get("loadMs")).doubleValue(), modelUrl);
        return (List<Map<String, Object>>) out.get("results");
    }

    @Test
    void theBrowserGivesTheJavaRuntimesAnswersStepsAndHaltingOnTheConformanceCases() throws Exception {
        ObjectNode fixture = Conformance.committed();
        assertEquals(ServedModel.sha256(Files.readAllBytes(MODELS.resolve(FP32 + ".onnx"))), fixture.get("sha256").asText(),
                "the fixture is for the shipped fp32 model (ConformanceTest says how to make it again)");
        List<Map<String, String>> cases = new ArrayList<>();
        fixture.get("cases").forEach(c -> cases.add(Map.of("puzzle", c.get("puzzle").asText(), "policy", c.get("policy").asText())));
        chromium.open(server.url() + "/");
        long t0 = System.nanoTime();
        List<Map<String, Object>> results = solveInThePage("/v1/models/" + FP32 + "/onnx", cases);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double worst = 0;
        int steps = 0;
        for (int i = 0; i < cases.size(); i++) {
            JsonNode expected = fixture.get("cases").get(i);
            JsonNode got = JSON.readTree(JSON.writeValueAsString(results.get(i))); // numbers as the fixture's reader sees them
            String where = "case " + i + " (" + expected.get("policy").asText() + ", " + expected.get("puzzle").asText() + ")";
            assertEquals(expected.get("trace").size(), got.get("trace").size(), where + ": steps run");
            for (int s = 0; s < expected.get("trace").size(); s++) {
                JsonNode e = expected.get("trace").get(s);
                JsonNode g = got.get("trace").get(s);
                assertEquals(e.get("answer").asText(), g.get("answer").asText(), where + ": the answer after step " + (s + 1));
                double diff = Math.abs(e.get("halt_probability").asDouble() - g.get("halt_probability").asDouble());
                assertTrue(diff <= HALT_PROBABILITY_TOLERANCE, where + ": halt probability after step " + (s + 1) + " differs by " + diff);
                worst = Math.max(worst, diff);
            }
            for (String field : List.of("answer", "steps", "solved", "halted_by")) {
                assertEquals(expected.get(field), got.get(field), where + ": " + field);
            }
            steps += got.get("steps").asInt();
        }
        System.out.printf(Locale.ROOT, "BrowserSolverTest: %d conformance cases, %d steps in the browser in %.1f s; halt probabilities"
                + " at most %.1e from the Java runtime's%n", cases.size(), steps, seconds, worst);
        assertEquals(List.of(), chromium.consoleErrors(), "the console");
    }

    @Test
    void theInt8FileGivesTheFp32FilesAnswersInTheBrowserOnHeldOutPuzzlesOrTheDifferencesAreCounted() throws Exception {
        List<Map<String, String>> cases = new ArrayList<>();
        Conformance.committed().get("cases").forEach(c -> {
            if (c.get("policy").asText().equals("verified+q-halt")) {
                cases.add(Map.of("puzzle", c.get("puzzle").asText(), "policy", "verified+q-halt"));
            }
        });
        chromium.open(server.url() + "/");
        List<Map<String, Object>> results = solveInThePage("/v1/models/" + INT8 + "/onnx", cases);
        int differ = 0;
        try (TrmModel int8 = TrmModel.load(MODELS.resolve(INT8 + ".onnx"), RuntimeConfig.cpu())) {
            for (int i = 0; i < cases.size(); i++) {
                String java = int8.solve(cases.get(i).get("puzzle"), HaltPolicy.parse("verified+q-halt"), Effort.plain()).answer();
                differ += java.equals(results.get(i).get("answer")) ? 0 : 1;
            }
        }
        long solved = results.stream().filter(r -> Boolean.TRUE.equals(r.get("solved"))).count();
        System.out.printf(Locale.ROOT, "BrowserSolverTest: int8 in the browser solved %d of %d; its final answer differs from the Java"
                + " runtime's int8 answer on %d%n", solved, cases.size(), differ);
        assertTrue(solved >= cases.size() - 1, "int8 in the browser solves the everyday puzzles: " + solved + " of " + cases.size());
        assertEquals(List.of(), chromium.consoleErrors(), "the console");
    }

    private static String status() {
        return browser.findElement(By.id("status")).getText();
    }

    private static String board() {
        return browser.findElements(By.cssSelector("#board input")).stream()
                .map(c -> c.getAttribute("value").isEmpty() ? "." : c.getAttribute("value")).collect(Collectors.joining());
    }

    /** Puts a puzzle on the board through the page's paste box. */
    private static void putOnTheBoard(String puzzle) {
        WebElement paste = browser.findElement(By.id("paste"));
        paste.clear();
        paste.sendKeys(puzzle);
        browser.findElement(By.id("load")).click();
    }

    /** Picks "this browser", the model and the policy, and waits for the model to load. */
    private static void runInThisBrowser(String model, String policy) {
        new Select(browser.findElement(By.id("where"))).selectByValue("browser");
        new WebDriverWait(browser, WAIT).until(d -> new Select(d.findElement(By.id("model"))).getOptions().size() > 1);
        new Select(browser.findElement(By.id("model"))).selectByValue(model);
        new Select(browser.findElement(By.id("policy"))).selectByValue(policy);
    }

    @Test
    void aPuzzleSolvedInThisBrowserShowsTheJavaRuntimesAnswerAndThePageAnswersClicksDuringALongRun() throws Exception {
        chromium.open(server.url() + "/");
        runInThisBrowser(FP32, "fixed");
        assertEquals(List.of("plain"), new Select(browser.findElement(By.id("effort"))).getOptions().stream()
                .filter(WebElement::isEnabled).map(o -> o.getAttribute("value")).toList(), "the browser offers the plain effort only");
        putOnTheBoard(EVERYDAY);
        browser.findElement(By.id("solve")).click(); // fixed: all 32 steps, a few seconds in WebAssembly
        new WebDriverWait(browser, WAIT).until(d -> status().startsWith("Thinking in this browser") && !d.findElement(By.id("step")).getText().equals("-"));
        WebElement paste = browser.findElement(By.id("paste"));
        paste.clear();
        paste.sendKeys("typed during the run"); // handled at once: the recursion runs in the worker
        assertEquals("typed during the run", paste.getAttribute("value"));
        int stepSeenDuringTheRun = Integer.parseInt(browser.findElement(By.id("step")).getText());
        assertTrue(status().startsWith("Thinking"), "the run was still going when the click and the typing were handled: " + status());
        new WebDriverWait(browser, WAIT).until(d -> status().startsWith("Verified") || status().contains("this browser:"));
        assertTrue(status().startsWith("Verified in this browser"), status());
        System.out.println("BrowserSolverTest: 32 steps (fixed), model loaded: " + status());
        assertTrue(stepSeenDuringTheRun < 32, "typed at step " + stepSeenDuringTheRun + " of 32");
        String expected;
        try (TrmModel model = TrmModel.load(MODELS.resolve(FP32 + ".onnx"), RuntimeConfig.cpu())) {
            expected = model.solve(EVERYDAY, HaltPolicy.fixed(), Effort.plain()).answer();
        }
        assertEquals(expected, board(), "the board shows the Java runtime's answer");
        assertEquals("32", browser.findElement(By.id("step")).getText());
        // an everyday puzzle with the page's default policy, the model already loaded: the figure for docs/edge.md
        new Select(browser.findElement(By.id("policy"))).selectByValue("verified+q-halt");
        putOnTheBoard(EVERYDAY);
        browser.findElement(By.id("solve")).click();
        new WebDriverWait(browser, WAIT).until(d -> status().startsWith("Verified in this browser"));
        System.out.println("BrowserSolverTest: everyday puzzle, model loaded: " + status());
        assertEquals(List.of(), chromium.consoleErrors(), "the console");
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE); // docs/images/page-browser.png
        Files.copy(shot.toPath(), Path.of("target", "page-browser.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void theStaticFolderWithTheInt8ModelFitsInFifteenMegabytes() throws Exception {
        Path site = dir.resolve("site");
        StaticPage.write(site, INT8, "sudoku", Files.readAllBytes(MODELS.resolve(INT8 + ".onnx")));
        long bytes = StaticPage.size(site);
        System.out.printf(Locale.ROOT, "BrowserSolverTest: the static folder with the int8 model holds %,d bytes%n", bytes);
        assertTrue(bytes <= STATIC_FOLDER_LIMIT, "the static folder holds " + bytes + " bytes");
    }

    @Test
    void theStaticFolderSolvesAPuzzleFromAPlainStaticServerWithNoTrmServe() throws Exception {
        solveFromAStaticServer(false);
    }

    @Test
    void theStaticFolderSolvesAPuzzleFromAStaticServerThatSendsGzipFilesAsContentEncoding() throws Exception {
        solveFromAStaticServer(true);
    }

    /** Writes the static folder, serves it with static-server.py and solves the everyday puzzle in it. */
    private void solveFromAStaticServer(boolean gzipEncoding) throws Exception {
        Path site = dir.resolve("site");
        StaticPage.write(site, INT8, "sudoku", Files.readAllBytes(MODELS.resolve(INT8 + ".onnx")));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of("python3", Path.of(BrowserSolverTest.class.getResource("/static-server.py").toURI()).toString(),
                site.toString(), Integer.toString(port)));
        if (gzipEncoding) {
            command.add("--gzip-encoding");
        }
        Process http = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("http.log").toFile()).start();
        try {
            String url = "http://127.0.0.1:" + port + "/";
            awaitServing(url);
            chromium.open(url);
            new WebDriverWait(browser, WAIT).until(d -> new Select(d.findElement(By.id("model"))).getOptions().size() > 1);
            assertEquals("browser", new Select(browser.findElement(By.id("where"))).getFirstSelectedOption().getAttribute("value"),
                    "with no server the page runs in the browser");
            putOnTheBoard(EVERYDAY);
            browser.findElement(By.id("solve")).click();
            new WebDriverWait(browser, WAIT).until(d -> status().startsWith("Verified") || status().contains("this browser:")
                    || status().startsWith("Could not"));
            assertTrue(status().startsWith("Verified in this browser"), status());
            String answer = board();
            assertTrue(answer.matches("[1-9]{81}"), answer);
            assertEquals(List.of(), chromium.consoleErrors(), "the console");
            String log = Files.readString(dir.resolve("http.log"));
            assertTrue(log.contains("ort-wasm-simd-threaded.wasm.gz"), "the page fetched the gzipped WebAssembly: " + log);
            assertTrue(!log.contains("/v1/"), "the page asked the static server for no API path: " + log);
        } finally {
            http.destroy();
            assertTrue(http.waitFor(10, TimeUnit.SECONDS), "the static server stopped");
        }
    }

    /** Waits until the static server answers its index (it takes a moment to start). */
    private static void awaitServing(String url) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            assertTrue(System.nanoTime() < end, "the static server never answered " + url);
            Thread.sleep(50);
        }
    }
}
