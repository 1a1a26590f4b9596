package dev.trm.cli;

import ai.djl.ndarray.NDManager;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmWeights;
import dev.trm.train.Checkpoint;
import dev.trm.train.Evaluation;
import dev.trm.train.PuzzleSamples;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.trm.data.PuzzleCsv;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.Provider;
import dev.trm.runtime.RuntimeOptions;
import dev.trm.runtime.Solution;
import dev.trm.runtime.TrmModel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trm eval MODEL DATA}: a checkpoint gets the reference evaluation (all N_sup steps, EMA
 * weights); an exported .onnx file runs through the runtime under each halting policy.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate on a labelled set. A checkpoint (.ckpt): every puzzle runs all N_sup steps with the EMA"
                + " weights. An exported model (.onnx): exact accuracy, mean steps and puzzles/s per halting policy.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "a checkpoint (.ckpt) or an exported step (.onnx)") Path checkpoint;

    @Option(names = "--policies", split = ",", defaultValue = "fixed,q-halt,verified,verified+q-halt",
            description = "halting policies for an .onnx model (default: ${DEFAULT-VALUE})")
    List<String> policies;

    @Option(names = "--provider", defaultValue = "cpu", description = "runtime provider for an .onnx model") String provider;
    @Parameters(index = "1", paramLabel = "DATA") Path data;

    @Option(names = "--limit", defaultValue = "0", description = "only the first N puzzles (0: all)") int limit;
    @Option(names = "--batch", defaultValue = "64", description = "(default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu") String device;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (checkpoint.getFileName().toString().endsWith(".onnx")) {
            return evalOnnx();
        }
        Checkpoint c = Checkpoint.read(checkpoint);
        List<PuzzleSamples.Sample> set = TrainCommand.evaluationRows(c, data);
        if (limit > 0 && limit < set.size()) {
            set = set.subList(0, limit);
        }
        long t0 = System.nanoTime();
        Evaluation e;
        try (NDManager m = NDManager.newBaseManager(TrainCommand.device(device));
             TrmWeights w = new TrmWeights(new TrmParameters(c.model()), c.evaluationValues(), m, m.getDevice())) {
            e = Evaluation.run(c.model(), w.arrays(), w.constants(), set, batch, m);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s (step %d) on %s: %d puzzles in %.1f s (%.1f puzzles/s)%n", checkpoint, c.step(), data, set.size(),
                seconds, set.size() / seconds);
        printTable(out, c.model(), e);
        out.flush();
        return 0;
    }

    private int evalOnnx() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (TrmModel m = TrmModel.load(checkpoint, new RuntimeOptions(Provider.parse(provider), 0, 0))) {
            List<PuzzleCsv.Row> rows = PuzzleCsv.read(data);
            if (limit > 0 && limit < rows.size()) {
                rows = rows.subList(0, limit);
            }
            List<String> questions = new ArrayList<>();
            for (PuzzleCsv.Row r : rows) {
                questions.add(r.question());
            }
            out.printf("%s (%s %s, N_sup %d) on %s: %d puzzles, batch %d, %s%n", checkpoint, m.info().task(), m.info().variant(),
                    m.info().haltMaxSteps(), data, rows.size(), batch, m.provider().name().toLowerCase());
            out.printf("%-18s %-10s %-10s %-12s %-10s%n", "policy", "exact", "solved", "mean steps", "puzzles/s");
            for (String name : policies) {
                HaltPolicy p = HaltPolicy.parse(name);
                long t0 = System.nanoTime();
                List<Solution> sols = m.solveAll(questions, p, batch, null);
                double seconds = (System.nanoTime() - t0) / 1e9;
                int exact = 0;
                int solved = 0;
                long steps = 0;
                for (int i = 0; i < sols.size(); i++) {
                    exact += sols.get(i).answer().equals(rows.get(i).answer()) ? 1 : 0;
                    solved += sols.get(i).solved() ? 1 : 0;
                    steps += sols.get(i).steps();
                }
                out.printf("%-18s %-10.4f %-10.4f %-12.2f %-10.1f%n", name, (double) exact / sols.size(),
                        (double) solved / sols.size(), (double) steps / sols.size(), sols.size() / seconds);
                out.flush();
            }
        }
        return 0;
    }

    static void printTable(PrintWriter out, TrmConfig model, Evaluation e) {
        out.printf("%-6s %-10s %-10s %-10s%n", "step", "exact", "cells", "blank cells");
        for (int k = 0; k < model.haltMaxSteps(); k++) {
            out.printf("%-6d %-10.4f %-10.4f %-10.4f%n", k + 1, e.exactByStep()[k], e.cellByStep()[k], e.blankByStep()[k]);
        }
        out.printf("exact accuracy %.4f, cell accuracy %.4f, blank-cell accuracy %.4f (after step 1: %.4f)%n", e.exact(),
                e.cellAccuracy(), e.blankAccuracy(), e.blankByStep()[0]);
        out.printf("q-halt accuracy %.4f; halting at q_halt > 0 would stop at step %.2f on average with exact accuracy %.4f%n",
                e.qHaltAccuracy(), e.meanHaltStep(), e.exactAtHalt());
    }
}
