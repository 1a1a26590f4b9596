package dev.trm.runtime;

import java.util.Arrays;

/** One copy of a puzzle in a {@link Solver}'s batch: its augmentation, tokens, steps and, while it waits, its state. */
final class Lane implements BatchState.Row {
    final Puzzle puzzle;
    final int copy;
    final Augmentation augmentation;
    final int[] tokens;
    int steps;
    int budget;
    float[] haltProbabilities = new float[0];
    StepState last;
    String stopReason;
    /** y and z rows while the lane is out of the batch tensors (null: fresh, or in the tensors). */
    float[] heldY;
    float[] heldZ;
    /** Noise added to z after each step (0: none). */
    float stepNoise;

    Lane(Puzzle puzzle, int copy, Augmentation augmentation, int[] tokens, int budget) {
        this.puzzle = puzzle;
        this.copy = copy;
        this.augmentation = augmentation;
        this.tokens = tokens;
        this.budget = budget;
    }

    boolean stopped() {
        return stopReason != null;
    }

    /** Counts a step and keeps its halt probability. */
    void record(float haltProbability) {
        steps++;
        haltProbabilities = Arrays.copyOf(haltProbabilities, steps);
        haltProbabilities[steps - 1] = haltProbability;
    }

    @Override
    public int[] tokens() {
        return tokens;
    }

    @Override
    public long puzzleId() {
        return augmentation.puzzleId();
    }

    @Override
    public float[] heldY() {
        return heldY;
    }

    @Override
    public float[] heldZ() {
        return heldZ;
    }

    @Override
    public void hold(float[] y, float[] z) {
        heldY = y;
        heldZ = z;
    }
}
