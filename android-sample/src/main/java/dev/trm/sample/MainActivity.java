package dev.trm.sample;

import android.app.Activity;
import android.content.ClipData;
import android.content.ClipboardManager;
import android.graphics.Color;
import android.graphics.Typeface;
import android.os.Bundle;
import android.text.InputFilter;
import android.text.InputType;
import android.text.method.DigitsKeyListener;
import android.view.Gravity;
import android.view.ViewGroup;
import android.widget.Button;
import android.widget.CheckBox;
import android.widget.EditText;
import android.widget.GridLayout;
import android.widget.LinearLayout;
import android.widget.ScrollView;
import android.widget.SeekBar;
import android.widget.TextView;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The screen: a 9x9 grid to type into, example / paste / clear / solve buttons, and after a solve
 * the answer, a slider through the model's answer after each supervision step, and a summary. The
 * model loads and runs on one worker thread; the UI thread only reads and paints cells.
 */
public class MainActivity extends Activity {
    /** The ONNX step in the APK's assets (replace it with the build's MODEL property). */
    public static final String MODEL_ASSET = "sudoku.onnx";

    static final String APP_TITLE = "TRM Sudoku";
    static final int GIVEN_COLOR = Color.BLACK;
    static final int MODEL_COLOR = Color.rgb(0x15, 0x65, 0xC0);
    private static final int CHANGED_COLOR = Color.rgb(0xE6, 0x51, 0x00);
    private static final int BOX_GAP_DP = 8;
    private static final int CELL_TEXT_SP = 20;

    private final EditText[] cells = new EditText[Board.CELLS];
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private volatile OnDeviceSolver solver;
    private TextView modelLine;
    private TextView status;
    private TextView thinking;
    private TextView stepLabel;
    private SeekBar steps;
    private Button solveButton;
    private CheckBox thinkLonger;
    private int example = -1;
    private String shownPuzzle;
    private SolveReport last;

    @Override
    protected void onCreate(Bundle state) {
        // a light theme whatever the device's: the givens are black and the model's digits blue, both read on white
        setTheme(android.R.style.Theme_Material_Light_DarkActionBar);
        super.onCreate(state);
        setTitle(APP_TITLE);
        setContentView(layout());
        worker.execute(this::loadModel);
    }

    /** Opens the model; tests override this to read a file instead of the APK's assets. */
    protected TrmModel openModel() throws IOException {
        try (InputStream in = getAssets().open(MODEL_ASSET)) {
            return TrmModel.load(in, RuntimeConfig.phone());
        }
    }

    private void loadModel() {
        try {
            OnDeviceSolver s = new OnDeviceSolver(openModel());
            solver = s;
            runOnUiThread(() -> modelLine.setText(s.describe()));
        } catch (IOException | RuntimeException e) {
            runOnUiThread(() -> modelLine.setText("The model could not load: " + e.getMessage()));
        }
    }

    private ScrollView layout() {
        LinearLayout column = new LinearLayout(this);
        column.setOrientation(LinearLayout.VERTICAL);
        int pad = dp(12);
        column.setPadding(pad, pad, pad, pad);

        TextView title = new TextView(this);
        title.setText("Tiny Recursive Model: Sudoku");
        title.setTextSize(22);
        column.addView(title);
        modelLine = new TextView(this);
        modelLine.setText("Loading the model...");
        column.addView(modelLine);

        column.addView(grid());

        LinearLayout buttons = new LinearLayout(this);
        buttons.addView(button("Example", this::nextExample));
        buttons.addView(button("Paste", this::paste));
        buttons.addView(button("Clear", this::clear));
        solveButton = button("Solve", this::solve);
        buttons.addView(solveButton);
        column.addView(buttons);
        thinkLonger = new CheckBox(this);
        thinkLonger.setText("Think longer (more copies and steps before giving up)");
        column.addView(thinkLonger);

        stepLabel = new TextView(this);
        column.addView(stepLabel);
        steps = new SeekBar(this);
        steps.setEnabled(false);
        steps.setOnSeekBarChangeListener(new SeekBar.OnSeekBarChangeListener() {
            @Override
            public void onProgressChanged(SeekBar bar, int progress, boolean fromUser) {
                if (last != null) {
                    showFrame(progress);
                }
            }

            @Override
            public void onStartTrackingTouch(SeekBar bar) {
            }

            @Override
            public void onStopTrackingTouch(SeekBar bar) {
            }
        });
        column.addView(steps);
        status = new TextView(this);
        column.addView(status);
        thinking = new TextView(this);
        thinking.setTypeface(Typeface.MONOSPACE);
        column.addView(thinking);

        ScrollView scroll = new ScrollView(this);
        scroll.addView(column);
        return scroll;
    }

    private GridLayout grid() {
        GridLayout g = new GridLayout(this);
        g.setColumnCount(Board.SIDE);
        g.setRowCount(Board.SIDE);
        for (int i = 0; i < Board.CELLS; i++) {
            int row = i / Board.SIDE;
            int col = i % Board.SIDE;
            EditText cell = new EditText(this);
            cell.setInputType(InputType.TYPE_CLASS_NUMBER);
            cell.setKeyListener(DigitsKeyListener.getInstance("123456789"));
            cell.setFilters(new InputFilter[] {new InputFilter.LengthFilter(1)});
            cell.setGravity(Gravity.CENTER);
            cell.setTextSize(CELL_TEXT_SP);
            cell.setSelectAllOnFocus(true);
            GridLayout.LayoutParams p = new GridLayout.LayoutParams(GridLayout.spec(row, 1f), GridLayout.spec(col, 1f));
            p.width = 0;
            p.height = ViewGroup.LayoutParams.WRAP_CONTENT;
            p.setMargins(col % 3 == 0 && col > 0 ? dp(BOX_GAP_DP) : 0, row % 3 == 0 && row > 0 ? dp(BOX_GAP_DP) : 0, 0, 0);
            g.addView(cell, p);
            cells[i] = cell;
        }
        return g;
    }

    private Button button(String label, Runnable action) {
        Button b = new Button(this);
        b.setText(label);
        b.setOnClickListener(v -> action.run());
        b.setLayoutParams(new LinearLayout.LayoutParams(0, ViewGroup.LayoutParams.WRAP_CONTENT, 1f));
        return b;
    }

    private int dp(int v) {
        return Math.round(v * getResources().getDisplayMetrics().density);
    }

    /** The grid as typed (cells hold one digit 1-9 or nothing). */
    private Board readBoard() {
        Board b = new Board();
        for (int i = 0; i < Board.CELLS; i++) {
            String t = cells[i].getText().toString().trim();
            b.set(i, t.length() == 1 && t.charAt(0) >= '1' && t.charAt(0) <= '9' ? t.charAt(0) - '0' : 0);
        }
        return b;
    }

    private void showBoard(Board b) {
        last = null;
        shownPuzzle = null;
        steps.setEnabled(false);
        steps.setProgress(0);
        stepLabel.setText("");
        thinking.setText("");
        for (int i = 0; i < Board.CELLS; i++) {
            int d = b.get(i);
            cells[i].setText(d == 0 ? "" : String.valueOf(d));
            cells[i].setTextColor(GIVEN_COLOR);
            cells[i].setTypeface(null, d == 0 ? Typeface.NORMAL : Typeface.BOLD);
        }
    }

    private void nextExample() {
        Examples.Example e = Examples.next(example);
        example = Examples.ALL.indexOf(e);
        showBoard(Board.parse(e.puzzle()));
        status.setText("Example: " + e.name());
    }

    private void paste() {
        ClipboardManager clipboard = (ClipboardManager) getSystemService(CLIPBOARD_SERVICE);
        ClipData clip = clipboard == null ? null : clipboard.getPrimaryClip();
        if (clip == null || clip.getItemCount() == 0 || clip.getItemAt(0).getText() == null) {
            status.setText("The clipboard holds no text.");
            return;
        }
        try {
            showBoard(Board.parse(clip.getItemAt(0).getText().toString()));
            status.setText("Pasted.");
        } catch (IllegalArgumentException e) {
            status.setText("The pasted text is not a Sudoku: " + e.getMessage());
        }
    }

    private void clear() {
        showBoard(new Board());
        status.setText("");
    }

    private void solve() {
        Board board = readBoard();
        showBoard(board);
        solveButton.setEnabled(false);
        status.setText("Thinking...");
        boolean longer = thinkLonger.isChecked();
        worker.execute(() -> {
            String problem = board.problem();
            OnDeviceSolver s = solver;
            if (problem != null || s == null) {
                String message = problem != null ? problem : "No model is loaded.";
                runOnUiThread(() -> done(message));
                return;
            }
            try {
                SolveReport r = s.solve(board.puzzle(), longer);
                String summary = ReportText.summary(r, s.maxSteps());
                runOnUiThread(() -> show(r, summary));
            } catch (RuntimeException e) {
                runOnUiThread(() -> done("The solve failed: " + e.getMessage()));
            }
        });
    }

    private void done(String message) {
        status.setText(message);
        solveButton.setEnabled(true);
    }

    private void show(SolveReport r, String summary) {
        last = r;
        shownPuzzle = r.puzzle();
        thinking.setText(ReportText.thinking(r));
        steps.setMax(r.frames().size() - 1);
        steps.setEnabled(r.frames().size() > 1);
        steps.setProgress(r.frames().size() - 1);
        showFrame(r.frames().size() - 1);
        done(summary);
    }

    /** Paints the answer after one step: model digits in blue, those this step changed in orange. */
    private void showFrame(int index) {
        SolveReport.Frame f = last.frames().get(index);
        String before = index == 0 ? shownPuzzle : last.frames().get(index - 1).answer();
        for (int i = 0; i < Board.CELLS; i++) {
            if (shownPuzzle.charAt(i) != '.') {
                continue;
            }
            cells[i].setText(String.valueOf(f.answer().charAt(i)));
            cells[i].setTextColor(f.answer().charAt(i) != before.charAt(i) && index > 0 ? CHANGED_COLOR : MODEL_COLOR);
        }
        stepLabel.setText(ReportText.frameLine(f));
    }

    @Override
    protected void onDestroy() {
        worker.execute(() -> {
            OnDeviceSolver s = solver;
            if (s != null) {
                s.close();
            }
        });
        worker.shutdown();
        super.onDestroy();
    }

    // for tests (same package)
    EditText cell(int i) {
        return cells[i];
    }

    Button solveButton() {
        return solveButton;
    }

    CheckBox thinkLonger() {
        return thinkLonger;
    }

    TextView status() {
        return status;
    }

    SolveReport lastReport() {
        return last;
    }

    boolean modelLoaded() {
        return solver != null;
    }
}
