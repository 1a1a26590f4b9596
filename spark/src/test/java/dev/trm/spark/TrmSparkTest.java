package dev.trm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.data.SharedData;
import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.Scorecard;
import dev.trm.runtime.SolveConfig;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TRM on a local Spark session (local[2]) against the runtime in process, on the shipped model. */
class TrmSparkTest {
    private static final Path MODEL = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx").toAbsolutePath();
    private static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType).add("question", DataTypes.StringType)
            .add("answer", DataTypes.StringType);
    /** Small test-time compute, so that some puzzles take copies: two stages, a seed. */
    private static final String EFFORT = "1x8,4x16";
    private static final SolveConfig SPEC = SolveConfig.parse(SolveConfig.DEFAULT_POLICY, EFFORT, SolveConfig.DEFAULT_FALLBACK, 7);
    private static SparkSession spark;
    private static List<String[]> puzzles;

    @BeforeAll
    static void start() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("trm-spark-test").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        puzzles = new ArrayList<>();
        SudokuGenerator gen = new SudokuGenerator(77);
        for (int i = 0; i < 24; i++) {
            SudokuGenerator.Puzzle p = gen.next(SudokuGenerator.Difficulty.givens(22, 30));
            puzzles.add(new String[] {p.question().toLine(), p.answer().toLine()});
        }
        List<String> rows = Files.readAllLines(SharedData.file("sudoku/train_1k.csv"));
        for (String row : rows.subList(1, 5)) { // hard ones: the model rarely verifies them, so they take every copy
            String[] f = row.split(",");
            puzzles.add(new String[] {f[1], f[2]});
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Dataset<Row> frame(List<String[]> qa) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < qa.size(); i++) {
            rows.add(RowFactory.create(i, qa.get(i)[0], qa.get(i)[1]));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    private static Map<Integer, Row> byId(Dataset<Row> solved) {
        Map<Integer, Row> out = new HashMap<>();
        for (Row r : solved.collectAsList()) {
            out.put(r.getInt(r.fieldIndex("id")), r);
        }
        return out;
    }

    @Test
    void answersEqualTheRuntimesWhateverThePartitioning() {
        List<String> questions = new ArrayList<>();
        puzzles.forEach(p -> questions.add(p[0]));
        List<Solution> local;
        try (TrmModel m = TrmModel.load(MODEL, RuntimeConfig.cpu())) {
            local = m.solveAll(questions, SPEC.policy(), SPEC.effort(), questions.size(), null);
        }
        for (int partitions : new int[] {1, 3, 7}) {
            Map<Integer, Row> got = byId(TrmSpark.solve(frame(puzzles).repartition(partitions), "question", SparkModel.of(MODEL.toString()),
                    SPEC, 8, false));
            assertEquals(puzzles.size(), got.size());
            for (int i = 0; i < puzzles.size(); i++) {
                Row r = got.get(i);
                assertEquals(local.get(i).answer(), r.getString(r.fieldIndex(TrmSpark.ANSWER)), "puzzle " + i + ", " + partitions + " partitions");
                assertEquals(local.get(i).totalSteps(), r.getInt(r.fieldIndex(TrmSpark.TOTAL_STEPS)));
                assertEquals(local.get(i).copies(), r.getInt(r.fieldIndex(TrmSpark.COPIES)));
                assertEquals(local.get(i).solved(), r.getBoolean(r.fieldIndex(TrmSpark.SOLVED)));
                assertNull(r.get(r.fieldIndex(TrmSpark.ERROR)));
            }
        }
    }

    @Test
    void badRowsGetTheirErrorAndTheRestAreSolvedUnlessFailFast() {
        List<String[]> mixed = new ArrayList<>(puzzles.subList(0, 6));
        mixed.add(2, new String[] {"12345", null});
        mixed.add(5, new String[] {null, null});
        Map<Integer, Row> got = byId(TrmSpark.solve(frame(mixed).repartition(2), "question", SparkModel.of(MODEL.toString()), SPEC, 4, false));
        assertEquals(8, got.size());
        assertTrue(got.get(2).getString(got.get(2).fieldIndex(TrmSpark.ERROR)).contains("81 cells"), got.get(2).toString());
        assertTrue(got.get(5).getString(got.get(5).fieldIndex(TrmSpark.ERROR)).contains("null"), got.get(5).toString());
        for (int i : new int[] {0, 1, 3, 4, 6, 7}) {
            Row r = got.get(i);
            assertNull(r.get(r.fieldIndex(TrmSpark.ERROR)));
            assertTrue(r.getBoolean(r.fieldIndex(TrmSpark.SOLVED)), "row " + i + " is an everyday puzzle the model solves");
        }
        List<String[]> oneBad = new ArrayList<>(puzzles.subList(0, 3));
        oneBad.add(1, new String[] {"12345", null});
        Exception e = assertThrows(Exception.class, () -> TrmSpark.solve(frame(oneBad), "question", SparkModel.of(MODEL.toString()), SPEC, 4,
                true).collectAsList());
        assertTrue(String.valueOf(e.getMessage()).contains("puzzle '12345': sudoku: a Sudoku has 81 cells"), e.getMessage());
    }

    @Test
    void emptyPartitionsAreFineAndTheModelIsLoadedOncePerJvm() {
        int before = SparkModel.loadsInThisJvm();
        Dataset<Row> three = frame(puzzles.subList(0, 3)).repartition(8);
        assertEquals(3, TrmSpark.solve(three, "question", SparkModel.of(MODEL.toString()), SPEC, 4, false).count());
        assertEquals(3, TrmSpark.solve(three, "question", SparkModel.of(MODEL.toString()), SPEC, 4, false).count());
        int loads = SparkModel.loadsInThisJvm() - before;
        assertTrue(loads <= 1, loads + " loads of one model in one executor JVM");
        assertTrue(SparkModel.loadsInThisJvm() >= 1);
        assertEquals(0, TrmSpark.solve(frame(List.of()), "question", SparkModel.of(MODEL.toString()), SPEC, 4, false).count());
    }

    @Test
    void evaluateSumsWhatTrmEvalCountsOnOneMachine() {
        Scorecard local;
        try (TrmModel m = TrmModel.load(MODEL, RuntimeConfig.cpu())) {
            List<String> questions = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            puzzles.forEach(p -> {
                questions.add(p[0]);
                labels.add(p[1]);
            });
            local = Scorecard.of(m.task(), m.solveAll(questions, SPEC.policy(), SPEC.effort(), 32, null), labels);
        }
        TrmSpark.Evaluation e = TrmSpark.evaluate(frame(puzzles).repartition(3), "question", "answer", SparkModel.of(MODEL.toString()),
                SPEC, 8);
        assertEquals(puzzles.size(), e.puzzles());
        assertEquals(local.exact(), e.exact());
        assertEquals(local.solved(), e.solved());
        assertEquals(local.steps(), e.steps());
        assertEquals(local.copies(), e.copies());
        assertEquals(0, e.errors());
        assertFalse(e.exact() == e.puzzles(), "the hard rows keep the figure honest: not every puzzle is solved");
    }

    @Test
    void aMissingOrNonTextColumnIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrmSpark.solve(frame(puzzles), "puzzle",
                SparkModel.of(MODEL.toString()), SPEC, 4, false));
        assertTrue(e.getMessage().contains("no column 'puzzle'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrmSpark.solve(frame(puzzles), "id", SparkModel.of(MODEL.toString()), SPEC, 4,
                false));
        assertTrue(e.getMessage().contains("not text"), e.getMessage());
    }
}
