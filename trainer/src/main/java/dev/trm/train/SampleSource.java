package dev.trm.train;

import java.util.Collections;
import java.util.List;

/**
 * An endless, seeded stream of training samples addressed by position: the sample at a position is
 * always the same, which makes resuming exact. A file of puzzles ({@link PuzzleSamples}) and the
 * on-the-fly Sudoku generator ({@link GeneratedSudoku}) are the two kinds.
 */
public interface SampleSource {
    /** The task the samples are for ({@code sudoku}, {@code maze}, {@code arc}). */
    String task();

    /** Rows of the puzzle-embedding table the samples use. */
    int numPuzzleIds();

    /** The training sample at a stream position. */
    PuzzleSamples.Sample at(long position);

    /** Rows kept out of training for evaluation (ARC test pairs); empty for the others. */
    default List<PuzzleSamples.Sample> heldOut() {
        return Collections.emptyList();
    }

    /**
     * The names of the puzzle-embedding rows, index = puzzle id (row 0 the blank one): ARC tasks and
     * their variants as the reference names them. Empty for tasks with one row.
     */
    default List<String> identifiers() {
        return Collections.emptyList();
    }

    /** One line for people: what the stream holds. */
    String describe();
}
