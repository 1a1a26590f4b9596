package dev.trm.export;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import dev.trm.data.AtomicFile;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.runtime.StepContract;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.task.sudoku.SudokuGenerator;
import dev.trm.train.PuzzleSamples;
import java.io.IOException;
import java.nio.file.Path;
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

    /** What an export produced. */
    public record Result(byte[] onnx, StepVerifier.Report report) {
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
        if (out != null) {
            AtomicFile.requireWritableFolder(out);
        }
        OnnxMl.ModelProto model = StepExport.build(config, values, provenance);
        byte[] bytes = model.toByteArray();
        StepVerifier.Report report = null;
        if (verify) {
            long[][] batch = verificationBatch(config, verifySamples);
            report = StepVerifier.verify(config, values, bytes, batch[0], batch[1]);
            if (!report.passed()) {
                throw new VerificationException(report);
            }
        }
        if (out != null) {
            AtomicFile.write(out, o -> o.write(bytes));
        }
        return new Result(bytes, report);
    }

    /** Thrown when the exported step does not compute the trainer's step; carries the report. */
    public static final class VerificationException extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient StepVerifier.Report report;

        VerificationException(StepVerifier.Report report) {
            super("verification failed: the ONNX step differs from the trainer's step (max relative error "
                    + String.format("%.2e", report.maxOneStepError()) + " >= " + report.tolerance() + "); no file written\n"
                    + report.table());
            this.report = report;
        }

        public StepVerifier.Report report() {
            return report;
        }
    }

    /** {tokens [B*S], ids [B]} for verification. */
    static long[][] verificationBatch(TrmConfig c, List<PuzzleSamples.Sample> samples) {
        int s = c.seqLen();
        if (samples != null && !samples.isEmpty()) {
            int b = Math.min(samples.size(), DEFAULT_VERIFY_PUZZLES);
            long[] tokens = new long[b * s];
            long[] ids = new long[b];
            for (int i = 0; i < b; i++) {
                for (int k = 0; k < s; k++) {
                    tokens[i * s + k] = samples.get(i).tokens()[k];
                }
                ids[i] = samples.get(i).puzzleId();
            }
            return new long[][] {tokens, ids};
        }
        long[] tokens = new long[DEFAULT_VERIFY_PUZZLES * s];
        if ("sudoku".equals(c.task()) && s == SudokuCodec.INSTANCE.sequenceLength()) {
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
        return new long[][] {tokens, new long[DEFAULT_VERIFY_PUZZLES]};
    }

    /** Provenance metadata from a checkpoint's info. */
    public static Map<String, String> provenance(String source, long step, Map<String, String> info) {
        java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put(StepContract.SOURCE_CHECKPOINT, source);
        p.put(StepContract.TRAINING_STEP, Long.toString(step));
        if (info.containsKey("data")) {
            p.put(StepContract.DATASET, info.get("data"));
        }
        if (info.containsKey("eval_exact_accuracy")) {
            p.put(StepContract.EVAL_ACCURACY, "exact " + info.get("eval_exact_accuracy") + ", blank cells "
                    + info.getOrDefault("eval_blank_accuracy", "?") + " at step " + info.getOrDefault("eval_step", "?")
                    + " on " + info.getOrDefault("eval_data", "?"));
        }
        return p;
    }

    /** The number of float parameters in the file (about 4 bytes each). */
    public static long floats(TrmConfig c) {
        return new TrmParameters(c).specs().stream().mapToLong(TrmParameters.Spec::size).sum();
    }
}
