package dev.trm.cli;

import dev.trm.data.ArcSet;
import dev.trm.runtime.ArcVote;
import dev.trm.runtime.Pick;
import dev.trm.runtime.TrmModel;
import dev.trm.task.arc.ArcTask;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code trm eval ARC_MODEL TASKS.json}: pass@1 and pass@2 per task as the reference votes, and per pick of {@code --picks}. */
final class ArcEvalTable {
    /** The row of --picks that counts a test input right when any variant gave its output. */
    static final String ANY = "any";

    private ArcEvalTable() {
    }

    static void print(PrintWriter out, Path model, Path data, int limit, RuntimeOptions runtime, long seed, List<Pick> picks,
                      boolean any) {
        Map<String, ArcTask> tasks = ArcSet.read(data);
        if (limit > 0) {
            Map<String, ArcTask> first = new LinkedHashMap<>();
            tasks.values().stream().limit(limit).forEach(t -> first.put(t.id(), t));
            tasks = first;
        }
        try (TrmModel m = TrmModel.load(model, runtime.options())) {
            Map<String, ArcTask> known = ArcVote.trainedOn(m, tasks);
            if (known.isEmpty()) {
                throw new IllegalArgumentException(data + ": none of its " + tasks.size() + " tasks is one the model was trained on");
            }
            if (known.size() < tasks.size()) {
                out.printf("%d of the file's %d tasks are not the model's: evaluating the %d it was trained on%n",
                        tasks.size() - known.size(), tasks.size(), known.size());
            }
            long t0 = System.nanoTime();
            List<ArcVote.TestResult> results = ArcVote.solve(m, known, runtime.batch(), seed, Pick.VOTES);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> at1 = ArcVote.taskScores(results, 1);
            Map<String, Double> at2 = ArcVote.taskScores(results, ArcVote.ATTEMPTS);
            out.printf("%s on %s: %d tasks, %d test inputs with outputs, every trained variant voting, N_sup %d steps (%.1f s)%n",
                    model, data, at1.size(), ArcVote.testsWithOutputs(results, null), m.info().haltMaxSteps(), seconds);
            out.printf("%-12s %8s %8s %8s%n", "task", "tests", "pass@1", "pass@2");
            for (String task : at1.keySet()) {
                out.printf("%-12s %8d %8.2f %8.2f%n", task, ArcVote.testsWithOutputs(results, task), at1.get(task), at2.get(task));
            }
            out.printf("pass@1 %.4f, pass@2 %.4f (mean over tasks of the fraction of test inputs solved)%n",
                    ArcVote.meanScore(results, 1), ArcVote.meanScore(results, ArcVote.ATTEMPTS));
            for (Pick pick : picks) {
                List<ArcVote.TestResult> again = results.stream().map(r -> r.rankedBy(pick)).toList();
                out.printf("pick %-8s pass@1 %.4f, pass@2 %.4f%n", pick, ArcVote.meanScore(again, 1),
                        ArcVote.meanScore(again, ArcVote.ATTEMPTS));
            }
            if (any) {
                out.printf("pick %-8s a variant gave the output: %.4f%n", ANY, ArcVote.meanScore(results, Integer.MAX_VALUE));
            }
            out.flush();
        }
    }
}
