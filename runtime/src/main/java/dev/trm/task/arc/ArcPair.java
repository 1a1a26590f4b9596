package dev.trm.task.arc;

import java.util.Objects;

/**
 * One demonstration or test example. The output is {@code null} for a test input whose answer is
 * withheld (an evaluation challenge).
 */
public record ArcPair(ArcGrid input, ArcGrid output) {
    public ArcPair {
        Objects.requireNonNull(input, "input");
    }

    public boolean hasOutput() {
        return output != null;
    }
}
