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
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trm eval CHECKPOINT DATA}: the reference evaluation (all N_sup steps, EMA weights) as a table. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint on a labelled set: every puzzle runs all N_sup steps with the EMA weights.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CHECKPOINT") Path checkpoint;
    @Parameters(index = "1", paramLabel = "DATA") Path data;

    @Option(names = "--limit", defaultValue = "0", description = "only the first N puzzles (0: all)") int limit;
    @Option(names = "--batch", defaultValue = "64", description = "(default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu") String device;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Checkpoint c = Checkpoint.read(checkpoint);
        List<PuzzleSamples.Sample> set = TrainCommand.samples(c.model().task(), data, false, 0).originals();
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
