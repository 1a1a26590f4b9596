package dev.trm.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmWeights;
import dev.trm.train.Checkpoint;
import dev.trm.train.Evaluation;
import dev.trm.train.PuzzleSamples;
import dev.trm.train.TrainingSets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** {@code trm eval CHECKPOINT DATA}: the reference evaluation of a checkpoint (all N_sup steps), and its table. */
final class CheckpointEvalTable {
    private CheckpointEvalTable() {
    }

    /** Evaluates the checkpoint's chosen weights on the first {@code limit} rows of {@code data} (0: all) and prints the table. */
    static void print(PrintWriter out, Path checkpoint, Path data, int limit, WeightsChoice weights, Device device, int batch)
            throws IOException {
        Checkpoint c = Checkpoint.read(checkpoint);
        c.requireFinite();
        List<PuzzleSamples.Sample> set = TrainingSets.evaluationRows(c, data);
        if (limit > 0 && limit < set.size()) {
            set = set.subList(0, limit);
        }
        long t0 = System.nanoTime();
        Evaluation e;
        try (NDManager m = NDManager.newBaseManager(device);
             TrmWeights w = new TrmWeights(new TrmParameters(c.model()), weights.values(c), m, m.getDevice())) {
            e = Evaluation.run(c.model(), w.arrays(), w.constants(), set, batch, m);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf("%s (step %d) on %s: %d puzzles in %.1f s (%.1f puzzles/s)%n", checkpoint, c.step(), data, set.size(),
                seconds, set.size() / seconds);
        printTable(out, c.model(), e);
        out.flush();
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
