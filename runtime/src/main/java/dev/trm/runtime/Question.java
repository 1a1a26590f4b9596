package dev.trm.runtime;

/**
 * A puzzle its model's task accepted: the text as given and its tokens, made once by
 * {@link PuzzleTask#parse} and carried from there to the solver, so that nothing on the way parses
 * or validates it again.
 */
public final class Question {
    private final String text;
    private final int[] tokens;

    Question(String text, int[] tokens) {
        this.text = text;
        this.tokens = tokens;
    }

    /** The puzzle as given. */
    public String text() {
        return text;
    }

    /** Its tokens (the copy the model reads as given: copy 0). */
    int[] tokens() {
        return tokens;
    }

    @Override
    public String toString() {
        return text;
    }
}
