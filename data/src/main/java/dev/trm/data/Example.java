package dev.trm.data;

/**
 * One labelled puzzle of a CSV data set, validated: the answer is a solution of the question.
 *
 * @param line     1-based line of the row in its file
 * @param source   the row's source column (may be empty)
 * @param question the puzzle
 * @param answer   its solution
 * @param rating   the row's difficulty rating, or -1 when the column is empty
 */
public record Example<G>(long line, String source, G question, G answer, long rating) {
    public static final long NO_RATING = -1;

    public boolean hasRating() {
        return rating != NO_RATING;
    }
}
