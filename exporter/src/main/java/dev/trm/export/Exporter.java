package dev.trm.export;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import dev.trm.data.AtomicFile;
import dev.trm.data.SudokuGenerator;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.runtime.PuzzleTask;
import dev.trm.runtime.PuzzleTasks;
import dev.trm.runtime.StepContract;
import dev.trm.task.TaskKind;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.train.PuzzleSamples;
import dev.trm.train.RunInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Exports one model: builds the ONNX step, verifies it against the trainer's step (unless told
 * not to), and only then writes the file, atomically. A failed verification leaves no file.
 */
public final class Exporter {
    /** Puzzles used for verification when no data set is given. */
    public static final int DEFAULT_VERIFY_PUZZLES = 8;

    /**
     * Puzzles a quantized or fp16 export is checked on when no data set is given (generated, 24-34
     * givens). On 200 one differing answer moves the share by half a point, so an int8 file that
     * agrees on 99.4% of 1,000 could fail or pass by chance; 1,000 take about a minute.
     */
    public static final int QUANTIZED_VERIFY_PUZZLES = 1000;
    private static final int EVERYDAY_MIN_GIVENS = 24;
    private static final int EVERYDAY_MAX_GIVENS = 34;

    /**
     * What an export produced.
     *
     * @param report    the fp32 step's side-by-side parity with the trainer (null when not verified)
     * @param quantized for an int8 or fp16 file: its answers against the fp32 step's (null otherwise)
     */
    public record Result(byte[] onnx, StepVerifier.Report report, QuantizedVerifier.Report quantized) {
    }

    private Exporter() {
    }

    /**
     * @param verifySamples puzzles of the model's task to verify on (null: generated Sudoku puzzles,
     *                      or random tokens for other tasks)
     * @param verify        whether to run the side-by-side check before writing
     */
    public static Result export(TrmConfig config, Map<String, float[]> values, Map<String, String> provenance,
                                List<PuzzleSamples.Sample> verifySamples, boolean verify, Path out)
            throws IOException, OrtException {
        return export(config, values, provenance, verifySamples, verify, out, WeightEncoding.FP32);
    }

    /**
     * An export whose weights are stored as {@code encoding} says. The fp32 step is checked for
     * parity with the trainer; an int8 or fp16 file is then checked by its answers against the fp32
     * step (see {@link QuantizedVerifier}). Either failure leaves no file.
     */
    public static Result export(TrmConfig config, Map<String, float[]> values, Map<String, String> provenance,
                                List<PuzzleSamples.Sample> verifySamples, boolean verify, Path out, WeightEncoding encoding)
            throws IOException, OrtException {
        if (out != null) {
            AtomicFile.requireWritableFolder(out);
        }
        byte[] fp32 = StepExport.build(config, values, provenance).toByteArray();
        StepVerifier.Report report = null;
        if (verify) {
            Batch batch = verificationBatch(config, verifySamples);
            report = StepVerifier.verify(config, values, fp32, batch.tokens(), batch.puzzleIds());
            if (!report.passed()) {
                throw new VerificationException(report.table(), String.format("the ONNX step differs from the trainer's step (max"
                        + " relative error %.2e >= %s)", report.maxOneStepError(), report.tolerance()));
            }
        }
        byte[] bytes = encoding.isFp32() ? fp32 : StepExport.build(config, values, provenance, encoding).toByteArray();
        QuantizedVerifier.Report quantized = null;
        if (verify && !encoding.isFp32()) {
            Answered set = answeredPuzzles(config, verifySamples);
            quantized = QuantizedVerifier.verify(fp32, bytes, set.puzzles(), set.answers(), Exporter::showProgress);
            if (!quantized.passed()) {
                throw new VerificationException(quantized.table(), quantized.canJudge()
                        ? "the " + encoding.describe() + " step's answers differ from the fp32 step's beyond the bound"
                        : "the fp32 step solves too few of the verification puzzles to judge the " + encoding.describe()
                        + " step: give puzzles it solves with --verify-data FILE, or skip the check with --no-verify");
            }
        }
        if (out != null) {
            AtomicFile.write(out, o -> o.write(bytes));
        }
        return new Result(bytes, report, quantized);
    }

    /** On a terminal, a line that counts the quantized step's verification (it solves every puzzle twice). */
    private static void showProgress(int done, int total) {
        if (System.console() != null) {
            System.err.print("\rverifying the quantized step against fp32: " + done + "/" + total + " puzzles" + (done == total ? "\n" : ""));
            System.err.flush();
        }
    }

    /** Puzzles and their answers as text, in the same order. */
    record Answered(List<String> puzzles, List<String> answers) {
    }

    /** Tokens [B*S] and puzzle ids [B] of a verification batch. */
    record Batch(long[] tokens, long[] puzzleIds) {
    }

    /** Puzzles with answers, as text: the verification set's, or generated everyday Sudoku puzzles. */
    static Answered answeredPuzzles(TrmConfig c, List<PuzzleSamples.Sample> samples) {
        List<String> puzzles = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        PuzzleTask task = PuzzleTasks.forName(c.task());
        if (samples != null && !samples.isEmpty()) {
            for (PuzzleSamples.Sample s : samples) {
                puzzles.add(task.decode(s.tokens()));
                answers.add(task.decode(s.labels()));
            }
        } else if (TaskKind.SUDOKU.is(c.task())) {
            SudokuGenerator gen = new SudokuGenerator(0);
            for (int i = 0; i < QUANTIZED_VERIFY_PUZZLES; i++) {
                SudokuGenerator.Puzzle p = gen.next(SudokuGenerator.Difficulty.givens(EVERYDAY_MIN_GIVENS, EVERYDAY_MAX_GIVENS));
                puzzles.add(p.question().toLine());
                answers.add(p.answer().toLine());
            }
        } else {
            throw new IllegalArgumentException("checking a " + c.task() + " model's quantized answers needs --verify-data");
        }
        return new Answered(puzzles, answers);
    }

    /** Thrown when a verification fails: the message says which, and holds the report's table. */
    public static final class VerificationException extends IOException {
        private static final long serialVersionUID = 1L;

        VerificationException(String table, String what) {
            super("verification failed: " + what + "; no file written\n" + table);
        }
    }

    /** The batch the step is verified on. */
    static Batch verificationBatch(TrmConfig c, List<PuzzleSamples.Sample> samples) {
        int s = c.seqLen();
        if (samples != null && !samples.isEmpty()) {
            List<PuzzleSamples.Sample> part = samples.subList(0, Math.min(samples.size(), DEFAULT_VERIFY_PUZZLES));
            return new Batch(PuzzleSamples.tokens(part), PuzzleSamples.puzzleIds(part));
        }
        long[] tokens = new long[DEFAULT_VERIFY_PUZZLES * s];
        if (TaskKind.SUDOKU.is(c.task()) && s == SudokuCodec.INSTANCE.sequenceLength()) {
            SudokuGenerator gen = new SudokuGenerator(0);
            for (int i = 0; i < DEFAULT_VERIFY_PUZZLES; i++) {
                int[] t = SudokuCodec.INSTANCE.encode(gen.next(SudokuGenerator.Difficulty.givens(25, 35)).question());
                for (int k = 0; k < s; k++) {
                    tokens[i * s + k] = t[k];
                }
            }
        } else {
            Random rng = new Random(0);
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = 1 + rng.nextInt(c.vocabSize() - 1);
            }
        }
        return new Batch(tokens, new long[DEFAULT_VERIFY_PUZZLES]);
    }

    /** Provenance metadata from a checkpoint's run information. */
    public static Map<String, String> provenance(String source, long step, RunInfo info) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(StepContract.SOURCE_CHECKPOINT, source);
        p.put(StepContract.TRAINING_STEP, Long.toString(step));
        if (info.data() != null) {
            p.put(StepContract.DATASET, info.data());
        }
        if (info.recipe() != null) {
            p.put(StepContract.RECIPE, info.recipe());
        }
        if (info.puzzleIdentifiers() != null) {
            p.put(StepContract.PUZZLE_IDENTIFIERS, info.puzzleIdentifiers());
        }
        if (info.evalExactAccuracy() != null) {
            p.put(StepContract.EVAL_ACCURACY, String.format("exact %.4f, blank cells %s at step %s on %s", info.evalExactAccuracy(),
                    info.evalBlankAccuracy() == null ? "?" : String.format("%.4f", info.evalBlankAccuracy()),
                    info.evalStep() == null ? "?" : info.evalStep(), info.evalData() == null ? "?" : info.evalData()));
        }
        return p;
    }

    /** The number of float parameters in the file (about 4 bytes each). */
    public static long floats(TrmConfig c) {
        return new TrmParameters(c).specs().stream().mapToLong(TrmParameters.Spec::size).sum();
    }
}
