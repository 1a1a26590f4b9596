package dev.trm.task.arc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** An ARC task: its id, demonstration ({@code train}) pairs and {@code test} pairs. */
public record ArcTask(String id, List<ArcPair> train, List<ArcPair> test) {
    public ArcTask {
        Objects.requireNonNull(id, "id");
        train = Collections.unmodifiableList(new ArrayList<>(train));
        test = Collections.unmodifiableList(new ArrayList<>(test));
    }
}
