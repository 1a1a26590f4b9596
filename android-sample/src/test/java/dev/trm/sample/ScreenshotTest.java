package dev.trm.sample;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.graphics.Bitmap;
import android.graphics.Canvas;
import android.graphics.Color;
import android.os.Looper;
import android.view.View;
import android.widget.EditText;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;
import org.robolectric.annotation.GraphicsMode;

/**
 * The app as people see it: the real Activity drawn by Robolectric's native graphics (Android's own
 * Skia renderer) on a phone-sized screen after solving an example. The picture is written to
 * {@code target/screenshots/app.png} (the README's copy is {@code docs/android-app.png}), and the
 * test reads the grid back off the pixels: every given is drawn in black, every digit the model
 * filled in its blue.
 */
@RunWith(RobolectricTestRunner.class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
@Config(sdk = 34, qualifiers = "w411dp-h891dp-xxhdpi")
public class ScreenshotTest {
    private static final long TIMEOUT_MS = 60_000;
    /** How far a pixel may be from a text colour and still count as drawn in it (anti-aliasing). */
    private static final int COLOUR_TOLERANCE = 40;
    /** Pixels of a digit's colour a cell needs to count as showing a digit in that colour. */
    private static final int MIN_DIGIT_PIXELS = 20;

    @Test
    public void theSolvedExampleIsDrawnWithGivensInBlackAndTheModelsDigitsInBlue() throws Exception {
        String puzzle = Examples.ALL.get(0).puzzle();
        try (ActivityController<MainActivityTest.FileModelActivity> c =
                     Robolectric.buildActivity(MainActivityTest.FileModelActivity.class).setup().visible()) {
            MainActivity a = c.get();
            await(a::modelLoaded);
            for (int i = 0; i < Board.CELLS; i++) {
                a.cell(i).setText(puzzle.charAt(i) == '.' ? "" : String.valueOf(puzzle.charAt(i)));
            }
            a.solveButton().performClick();
            await(() -> a.solveButton().isEnabled());
            assertTrue(a.status().getText().toString(), a.lastReport().verified());

            if (a.getCurrentFocus() != null) {
                a.getCurrentFocus().clearFocus(); // no text cursor in the picture
            }
            shadowOf(Looper.getMainLooper()).idle();
            View content = a.getWindow().getDecorView();
            Bitmap picture = render(content);
            save(picture, new File("target/screenshots/app.png"));
            int given = 0;
            int filled = 0;
            for (int i = 0; i < Board.CELLS; i++) {
                int colour = puzzle.charAt(i) == '.' ? MainActivity.MODEL_COLOR : MainActivity.GIVEN_COLOR;
                int pixels = pixelsOf(picture, a.cell(i), colour);
                assertTrue("cell " + i + " shows its digit in the expected colour (" + pixels + " pixels)", pixels >= MIN_DIGIT_PIXELS);
                if (colour == MainActivity.GIVEN_COLOR) {
                    given++;
                } else {
                    filled++;
                }
            }
            assertEquals(Board.CELLS, given + filled);
        }
    }

    private static Bitmap render(View v) {
        Bitmap b = Bitmap.createBitmap(v.getWidth(), v.getHeight(), Bitmap.Config.ARGB_8888);
        Canvas canvas = new Canvas(b);
        canvas.drawColor(Color.WHITE);
        v.draw(canvas);
        return b;
    }

    private static void save(Bitmap b, File file) throws IOException {
        file.getParentFile().mkdirs();
        try (OutputStream out = new FileOutputStream(file)) {
            b.compress(Bitmap.CompressFormat.PNG, 100, out);
        }
    }

    /** Pixels inside the cell's box on screen whose colour is near {@code colour}. */
    private static int pixelsOf(Bitmap b, EditText cell, int colour) {
        int[] at = new int[2];
        cell.getLocationInWindow(at);
        int n = 0;
        for (int y = Math.max(0, at[1]); y < Math.min(b.getHeight(), at[1] + cell.getHeight()); y++) {
            for (int x = Math.max(0, at[0]); x < Math.min(b.getWidth(), at[0] + cell.getWidth()); x++) {
                int p = b.getPixel(x, y);
                if (Math.abs(Color.red(p) - Color.red(colour)) < COLOUR_TOLERANCE
                        && Math.abs(Color.green(p) - Color.green(colour)) < COLOUR_TOLERANCE
                        && Math.abs(Color.blue(p) - Color.blue(colour)) < COLOUR_TOLERANCE) {
                    n++;
                }
            }
        }
        return n;
    }

    private static void await(BooleanSupplier done) throws InterruptedException {
        long end = System.currentTimeMillis() + TIMEOUT_MS;
        while (!done.getAsBoolean()) {
            assertTrue("timed out", System.currentTimeMillis() < end);
            Thread.sleep(10);
            shadowOf(Looper.getMainLooper()).idle();
        }
    }
}
