package dev.trm.train;

import dev.trm.data.SudokuGenerator;
import dev.trm.task.SeedMix;
import dev.trm.task.TaskKind;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuTransform;
import java.util.Random;

/**
 * Fresh Sudoku puzzles made on the fly by {@link SudokuGenerator}: every position of the stream is
 * a new unique-solution puzzle drawn from its own seed, so training never sees a puzzle twice and a
 * position always gives the same puzzle (exact resume). Each puzzle then takes a random reference
 * augmentation, as file-based training does.
 *
 * <p>The number of givens is drawn uniformly from a range whose lower end may follow a curriculum:
 * it starts at the range's upper end (easy puzzles) and falls linearly to its lower end over
 * {@code curriculumSteps} optimizer steps. Positions map to steps by the batch size, since every
 * optimizer step reads one row per batch slot.
 */
public final class GeneratedSudoku implements SampleSource {
    /** Stream tags, so the puzzle and its augmentation draw from unrelated seeds. */
    private static final long PUZZLE_STREAM = 11;
    private static final long AUGMENT_STREAM = 12;

    /**
     * @param minGivens       fewest givens (at the end of the curriculum)
     * @param maxGivens       most givens
     * @param curriculumSteps optimizer steps over which the lower end falls from maxGivens to minGivens (0: none)
     */
    public record Spec(int minGivens, int maxGivens, long curriculumSteps) {
        public Spec {
            SudokuGenerator.Difficulty.givens(minGivens, maxGivens); // validates the range
            if (curriculumSteps < 0) {
                throw new IllegalArgumentException("curriculum steps must be >= 0, got " + curriculumSteps);
            }
        }

        /** Parses {@code MIN-MAX}, as {@code trm data generate --givens} takes it. */
        public static Spec parse(String givens, long curriculumSteps) {
            String[] parts = givens.trim().split("-");
            try {
                if (parts.length == 2) {
                    return new Spec(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()), curriculumSteps);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("givens range must be MIN-MAX (for example 22-40), got '" + givens + "'");
        }

        /** The givens range at an optimizer step. */
        public SudokuGenerator.Difficulty at(long step) {
            if (curriculumSteps == 0 || step >= curriculumSteps) {
                return SudokuGenerator.Difficulty.givens(minGivens, maxGivens);
            }
            double progress = (double) step / curriculumSteps;
            int low = (int) Math.round(maxGivens + (minGivens - maxGivens) * progress);
            return SudokuGenerator.Difficulty.givens(low, maxGivens);
        }

        @Override
        public String toString() {
            return minGivens + "-" + maxGivens;
        }
    }

    private final Spec spec;
    private final int batchSize;
    private final long seed;
    private final boolean augment;

    public GeneratedSudoku(Spec spec, int batchSize, long seed, boolean augment) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.spec = spec;
        this.batchSize = batchSize;
        this.seed = seed;
        this.augment = augment;
    }

    public Spec spec() {
        return spec;
    }

    @Override
    public String task() {
        return TaskKind.SUDOKU.id();
    }

    @Override
    public int numPuzzleIds() {
        return 1;
    }

    @Override
    public PuzzleSamples.Sample at(long position) {
        SudokuGenerator generator = new SudokuGenerator(SeedMix.mix(seed, position, PUZZLE_STREAM));
        SudokuGenerator.Puzzle p = generator.next(spec.at(position / batchSize));
        SudokuGrid question = p.question();
        SudokuGrid answer = p.answer();
        if (augment) {
            SudokuTransform t = SudokuTransform.random(new Random(SeedMix.mix(seed, position, AUGMENT_STREAM)));
            question = t.apply(question);
            answer = t.apply(answer);
        }
        return PuzzleSamples.sudokuSample(question, answer);
    }

    @Override
    public String describe() {
        return "generated Sudoku puzzles, givens " + spec
                + (spec.curriculumSteps() > 0 ? " (curriculum from " + spec.maxGivens() + " over " + spec.curriculumSteps() + " steps)" : "")
                + ", fresh every sample";
    }
}
