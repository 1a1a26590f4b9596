package dev.trm.it;

import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.TrmModel;
import java.nio.file.Path;

/**
 * An application that embeds the runtime and does nothing else: loads the model given as the first
 * argument, solves the puzzle given as the second, prints the answer and the ONNX Runtime native-path
 * property (which the runtime must not set). Run as a process by {@link RuntimeFootprintTest}.
 */
public final class SolveOnce {
    private SolveOnce() {
    }

    public static void main(String[] args) {
        try (TrmModel m = TrmModel.load(Path.of(args[0]), RuntimeConfig.cpu())) {
            Solution s = m.solve(args[1], HaltPolicy.verified(), Effort.plain());
            System.out.println(s.answer());
            System.out.println(System.getProperty("onnxruntime.native.path"));
        }
    }
}
