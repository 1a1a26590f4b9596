package dev.trm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The "watch it think" page in a real browser ({@link Chromium}), against a server the test starts on loopback. */
class PageBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static TrmModel model;
    private static SolveServer server;
    private static Chromium chromium;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        model = TrmModel.load(Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx"), RuntimeConfig.cpu());
        server = SolveServer.start(ServeConfig.defaults().withPort(0).withAccess(ServeConfig.Access.open().withAccessLog(false)),
                Map.of("sudoku-default", model));
        chromium = Chromium.start();
        browser = chromium.driver;
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
        if (model != null) {
            model.close();
        }
    }

    /** Opens the page with the browser's console read empty (what earlier tests logged is not this test's). */
    private static void open() {
        chromium.open(server.url() + "/");
        new WebDriverWait(browser, WAIT).until(d -> !new Select(d.findElement(By.id("model"))).getOptions().isEmpty());
    }

    private static String status() {
        return browser.findElement(By.id("status")).getText();
    }

    private static List<WebElement> cells() {
        return browser.findElements(By.cssSelector("#board input"));
    }

    private static void assertNoConsoleErrors() {
        List<String> errors = chromium.consoleErrors();
        assertTrue(errors.isEmpty(), "the console: " + String.join("\n", errors));
    }

    @Test
    void aPuzzleTypedWithTheKeyboardIsSolvedStepByStepAndTheBoardShowsTheServersAnswer() throws Exception {
        String puzzle = new SudokuGenerator(31).next(SudokuGenerator.Difficulty.givens(28, 32)).question().toLine();
        open();
        WebElement first = cells().get(0);
        first.click();
        for (char ch : puzzle.toCharArray()) { // a digit moves on by itself; a blank is an arrow to the right
            browser.switchTo().activeElement().sendKeys(ch == '.' ? Keys.ARROW_RIGHT.toString() : String.valueOf(ch));
        }
        String typed = cells().stream().map(c -> c.getAttribute("value").isEmpty() ? "." : c.getAttribute("value")).collect(Collectors.joining());
        assertEquals(puzzle, typed, "the board holds what was typed");
        new Select(browser.findElement(By.id("effort"))).selectByValue("plain");
        browser.findElement(By.id("solve")).sendKeys(Keys.ENTER); // the keyboard presses Solve too
        new WebDriverWait(browser, WAIT).until(d -> status().startsWith("Verified") || status().contains("says"));
        assertTrue(status().startsWith("Verified"), status());
        String shown = cells().stream().map(c -> c.getAttribute("value")).collect(Collectors.joining());
        String expected = JSON.readTree(new Http(server).post("/v1/solve", "{\"puzzles\": [\"" + puzzle + "\"], \"effort\": \"plain\"}").body())
                .get("solutions").get(0).get("answer").asText();
        assertEquals(expected, shown, "the 81 digits on the board are the server's answer");
        assertTrue(browser.findElement(By.id("result")).getText().startsWith("verified, "), browser.findElement(By.id("result")).getText());
        assertTrue(browser.findElement(By.id("replay")).isEnabled(), "the run can be replayed");
        assertNoConsoleErrors();
    }

    @Test
    void aContradictoryPuzzleShowsTheServersMessageInWords() {
        open();
        WebElement paste = browser.findElement(By.id("paste"));
        paste.sendKeys("55" + ".".repeat(79));
        browser.findElement(By.id("load")).click();
        browser.findElement(By.id("solve")).click();
        new WebDriverWait(browser, WAIT).until(d -> status().contains("says"));
        assertTrue(status().contains("row 1 has two 5s"), status());
        paste.clear();
        paste.sendKeys("123");
        browser.findElement(By.id("load")).click();
        assertTrue(status().contains("81 characters"), status());
    }

    @Test
    void aHardPuzzleUnderMaxEffortShowsTheStepsAndCopiesAsTheyComeAndLeavingThePageStopsIt() throws Exception {
        open();
        new Select(browser.findElement(By.id("example"))).selectByValue("hard");
        assertEquals("max", new Select(browser.findElement(By.id("effort"))).getFirstSelectedOption().getAttribute("value"));
        browser.findElement(By.id("solve")).click();
        new WebDriverWait(browser, WAIT).until(d -> !d.findElement(By.id("copies")).getText().equals("-")
                && Integer.parseInt(d.findElement(By.id("copies")).getText()) > 1); // escalated: copies think beside the puzzle
        assertTrue(status().startsWith("Thinking"), "still thinking while steps come: " + status());
        assertTrue(Integer.parseInt(browser.findElement(By.id("step")).getText()) > 1, "the step counter moved");
        assertNoConsoleErrors();
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path out = Path.of("target", "page-thinking.png");
        Files.createDirectories(out.getParent());
        Files.copy(shot.toPath(), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(server.lanes("sudoku-default") > 1, "the puzzle's copies are in the batch");
        browser.get("about:blank"); // leaving the page closes the stream: its lanes leave the batch
        long end = System.nanoTime() + WAIT.toNanos();
        while (server.lanes("sudoku-default") > 0) {
            assertTrue(System.nanoTime() < end, "the lanes of a page that left are still running");
            Thread.sleep(5);
        }
        assertTrue(new Http(server).get("/metrics").body().contains("trm_requests_cancelled_total{model=\"sudoku-default\"} 1.0"),
                "the stream's request was cancelled, not finished");
    }
}
