package dev.trm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.trm.export.WeightEncoding;
import dev.trm.model.Presets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxProfileTest {
    @TempDir
    Path dir;

    @Test
    void aTraceIsSummedByOperatorOverTheRunsAfterTheWarmUp() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ArrayNode trace = json.createArrayNode();
        int[][] microsByRun = {{100, 50}, {300, 100}, {500, 100}}; // MatMul, Add per run; the first run is the warm-up
        for (int[] run : microsByRun) {
            kernel(trace, "MatMul", run[0]);
            kernel(trace, "Add", run[1]);
            trace.addObject().put("cat", "Session").put("name", "model_run").put("dur", run[0] + run[1]);
        }
        Path file = dir.resolve("trace.json");
        json.writeValue(file.toFile(), trace);
        OnnxProfile.ByOperator p = OnnxProfile.byOperator(file, 3, 2);
        assertEquals(0.4, p.ms().get("MatMul"), 1e-12, "(300 + 500) us over 2 runs");
        assertEquals(0.1, p.ms().get("Add"), 1e-12);
        assertEquals(0.4, p.matmul(), 1e-12);
        assertEquals(0.1, p.rest(), 1e-12);
    }

    private static void kernel(ArrayNode trace, String op, int micros) {
        var e = trace.addObject().put("cat", "Node").put("name", op + "_token_0_kernel_time").put("dur", micros);
        e.putObject("args").put("op_name", op);
    }

    @Test
    void theInt8StepOfATinyPresetRunsItsBlockMatmulsAsIntegerKernels() throws Exception {
        OnnxProfile.Int8VsFp32 p = OnnxProfile.int8VsFp32(Presets.get("sudoku-mlp-tiny"), WeightEncoding.ActivationScales.ROWS, 1, 2);
        assertTrue(p.fp32().ms().containsKey("MatMul"), p.fp32().ms().toString());
        assertTrue(p.int8().ms().keySet().stream().anyMatch(op -> op.contains("Integer") || op.startsWith("DynamicQuantize")),
                p.int8().ms().toString());
        assertTrue(p.fp32().matmul() > 0 && p.int8().matmul() > 0 && p.bound() > 0);
    }
}
