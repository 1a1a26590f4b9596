package dev.trm.runtime;

/** Sees every puzzle after every supervision step: the current answer and halt probability (for a UI that shows the model thinking). */
@FunctionalInterface
public interface StepObserver {
    void onStep(StepState state);
}
