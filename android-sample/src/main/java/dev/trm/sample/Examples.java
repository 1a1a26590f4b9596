package dev.trm.sample;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Puzzles bundled with the app: three from the bundled model's kind of training data, one very hard. */
public final class Examples {
    /** A bundled puzzle: a short name and its 81 characters. */
    public record Example(String name, String puzzle) {
    }

    public static final List<Example> ALL = Collections.unmodifiableList(Arrays.asList(
            new Example("easy 1", "2.4.........7592.4..682...1....4.19694...6.2816..875433186..45942.5.16..65..98..2"),
            new Example("easy 2", "...72.5.678641.3..21......4463.5..8.1.2893.65.5..4123.9375....264193....5....4..."),
            new Example("easy 3", "53..7...494..5.2686.18..7..1.4....35...7.3.2..92.8547648.5.769.71..3.54..5941..8."),
            new Example("hardest", "987......6..8.........5.....9.5..6......4..3......2.15.6.7..8....1..5..2....3..4.")));

    private Examples() {
    }

    /** The example after {@code index}, wrapping around. */
    public static Example next(int index) {
        return ALL.get(Math.floorMod(index + 1, ALL.size()));
    }
}
