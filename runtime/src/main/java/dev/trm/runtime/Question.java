package dev.trm.runtime;

import java.util.function.Predicate;

/**
 * A puzzle its model's task accepted: the text as given, its tokens and its checker, made once by
 * {@link PuzzleTask#parse} and carried from there to the solver, so that nothing on the way (not the
 * checker at every step of every copy) parses or validates it again.
 */
public final class Question {
    private final String text;
    private final int[] tokens;
    private final Predicate<String> checker;

    /** {@code checker} holds the parsed puzzle and says whether an answer solves it. */
    Question(String text, int[] tokens, Predicate<String> checker) {
        this.text = text;
        this.tokens = tokens;
        this.checker = checker;
    }

    /** The puzzle as given. */
    public String text() {
        return text;
    }

    /** Its tokens (the copy the model reads as given: copy 0). */
    int[] tokens() {
        return tokens;
    }

    /** Whether {@code answer} is a correct solution (the task's checker over the puzzle parsed once). */
    public boolean isSolution(String answer) {
        return checker.test(answer);
    }

    @Override
    public String toString() {
        return text;
    }
}
