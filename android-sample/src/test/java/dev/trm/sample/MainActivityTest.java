package dev.trm.sample;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.os.Looper;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import java.nio.file.Paths;
import java.util.function.BooleanSupplier;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;

/** The real Activity under Robolectric, with the bundled model on ONNX Runtime's desktop build. */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 34, manifest = Config.NONE)
public class MainActivityTest {
    private static final long TIMEOUT_MS = 60_000;

    /** The Activity with the model read from the module's asset file (Robolectric has no APK assets here). */
    public static class FileModelActivity extends MainActivity {
        @Override
        protected TrmModel openModel() {
            return TrmModel.load(Paths.get(System.getProperty("trm.sample.model")), RuntimeConfig.cpu());
        }
    }

    /** Runs the main looper until the worker's results have been posted and {@code done} holds. */
    private static void await(BooleanSupplier done) throws InterruptedException {
        long end = System.currentTimeMillis() + TIMEOUT_MS;
        while (!done.getAsBoolean()) {
            assertTrue("timed out", System.currentTimeMillis() < end);
            Thread.sleep(10);
            shadowOf(Looper.getMainLooper()).idle();
        }
    }

    @Test
    public void typedPuzzleIsSolvedOnScreen() throws InterruptedException {
        String puzzle = Examples.ALL.get(1).puzzle();
        try (ActivityController<FileModelActivity> c = Robolectric.buildActivity(FileModelActivity.class).setup()) {
            MainActivity a = c.get();
            await(a::modelLoaded);
            for (int i = 0; i < Board.CELLS; i++) {
                a.cell(i).setText(puzzle.charAt(i) == '.' ? "" : String.valueOf(puzzle.charAt(i)));
            }
            a.solveButton().performClick();
            assertFalse("no second solve while one runs", a.solveButton().isEnabled());
            await(() -> a.solveButton().isEnabled());
            assertNotNull(a.status().getText().toString(), a.lastReport());
            String expected = SudokuSolver.solve(SudokuGrid.parse(puzzle)).toLine();
            StringBuilder onScreen = new StringBuilder();
            for (int i = 0; i < Board.CELLS; i++) {
                onScreen.append(a.cell(i).getText());
            }
            assertEquals(expected, onScreen.toString());
            assertTrue(a.status().getText().toString(), a.status().getText().toString().startsWith("Solved and verified"));
        }
    }

    @Test
    public void contradictoryPuzzleGetsAClearMessage() throws InterruptedException {
        try (ActivityController<FileModelActivity> c = Robolectric.buildActivity(FileModelActivity.class).setup()) {
            MainActivity a = c.get();
            await(a::modelLoaded);
            a.cell(0).setText("5");
            a.cell(8).setText("5");
            a.solveButton().performClick();
            await(() -> a.solveButton().isEnabled());
            assertEquals("Contradictory givens: row 1 has two 5s (r1c1, r1c9).", a.status().getText().toString());
        }
    }
}
