package dev.trm.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.data.SharedData;
import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.Solver;
import dev.trm.runtime.StepState;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One behaviour, two runtimes: the conformance fixture is what the Java runtime does with the shipped
 * fp32 model on a few dozen puzzles (its trace: per step the answer and the halt probability; then the step it
 * stopped at and why), for the plain effort under each halting policy the browser offers. The Java
 * test regenerates it and compares (and writes what it computed to {@link #WRITTEN}: after a new model
 * file, copy that over the fixture); the browser test runs the page's loop on the same cases.
 */
final class Conformance {
    static final Path MODEL = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx");
    static final String RESOURCE = "/conformance/sudoku-default.json";
    static final Path WRITTEN = Path.of("target" + RESOURCE);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Everyday puzzles (most solved in a step or two), from this generator seed and givens. */
    private static final long EVERYDAY_SEED = 2026;
    private static final int EVERYDAY = 20;
    /** Rows of train_1k (hard: the model mostly runs all N_sup steps on them). */
    private static final int HARD_FIRST_ROW = 2;
    private static final int HARD = 4;

    private record Case(String puzzle, String policy) {
    }

    private Conformance() {
    }

    /** The cases: every everyday puzzle under the page's default policy, some under each other policy, the hard ones verified. */
    private static List<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        SudokuGenerator generator = new SudokuGenerator(EVERYDAY_SEED);
        List<String> everyday = new ArrayList<>();
        for (int i = 0; i < EVERYDAY; i++) {
            everyday.add(generator.next(SudokuGenerator.Difficulty.givens(28, 36)).question().toLine());
        }
        everyday.forEach(p -> out.add(new Case(p, "verified+q-halt")));
        everyday.subList(0, 6).forEach(p -> out.add(new Case(p, "q-halt")));
        everyday.subList(6, 8).forEach(p -> out.add(new Case(p, "fixed")));
        List<String> rows = Files.readAllLines(SharedData.file("sudoku/train_1k.csv"));
        for (String row : rows.subList(HARD_FIRST_ROW - 1, HARD_FIRST_ROW - 1 + HARD)) {
            out.add(new Case(row.split(",")[1], "verified"));
        }
        return out;
    }

    /** The fixture as the Java runtime computes it now, as read back from its JSON. */
    static ObjectNode generate() throws IOException {
        byte[] file = Files.readAllBytes(MODEL);
        ObjectNode fixture = JSON.createObjectNode().put("model", MODEL.getFileName().toString()).put("sha256", ServedModel.sha256(file))
                .put("effort", "plain");
        ArrayNode cases = fixture.putArray("cases");
        try (TrmModel model = TrmModel.load(file, RuntimeConfig.cpu())) {
            for (Case c : cases()) {
                cases.add(run(model, c));
            }
        }
        return (ObjectNode) JSON.readTree(JSON.writeValueAsBytes(fixture)); // numbers as a reader of the file sees them
    }

    private static ObjectNode run(TrmModel model, Case c) {
        ObjectNode out = JSON.createObjectNode().put("puzzle", c.puzzle()).put("policy", c.policy());
        ArrayNode trace = out.putArray("trace");
        List<Solution> solutions;
        try (Solver solver = model.solver(List.of(c.puzzle()), HaltPolicy.parse(c.policy()), Effort.plain(), (StepState s) ->
                trace.addObject().put("answer", s.answer()).put("halt_probability", s.haltProbability()))) {
            while (!solver.isDone()) {
                solver.step();
            }
            solutions = solver.solutions();
        }
        Solution s = solutions.get(0);
        if (!Solution.MODEL.equals(s.solvedBy())) {
            throw new IllegalStateException(c + ": answered by " + s.solvedBy() + ", not the model");
        }
        return out.put("answer", s.answer()).put("steps", s.steps()).put("solved", s.solved()).put("halted_by", s.haltReason());
    }

    /** Writes the fixture as computed now to {@link #WRITTEN}. */
    static void write(ObjectNode fixture) throws IOException {
        Files.createDirectories(WRITTEN.getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(WRITTEN.toFile(), fixture);
    }

    /** The fixture as committed. */
    static ObjectNode committed() throws IOException {
        try (var in = Conformance.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("no conformance fixture " + RESOURCE + " on the test class path");
            }
            return (ObjectNode) JSON.readTree(in);
        }
    }
}
