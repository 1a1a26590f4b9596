package dev.trm.runtime;
import java.util.function.Predicate;

/**
 * When a puzzle stops recursing. Every policy is capped at the model's N_sup steps. Policies
 * compose with {@link #or}: the first that fires names the halt reason.
 */
public interface HaltPolicy {
    /** Reason reported when the cap is reached. */
    String MAX_STEPS = "max-steps";

    /** The policy's name, reported as the halt reason when it fires. */
    String name();

    /** Whether the puzzle stops after this step. */
    boolean halt(StepState state);

    /** All N_sup steps, as the paper's evaluation runs. */
    static HaltPolicy fixed() {
        return named("fixed", s -> false);
    }

    /** Stop when sigmoid(q_halt) passes the threshold (0.5 is q_halt > 0, the training rule). */
    static HaltPolicy qHalt(double threshold) {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("q-halt threshold must lie in (0, 1), got " + threshold);
        }
        return named("q-halt", s -> s.haltProbability() > threshold);
    }

    /** Stop when the task checker confirms the current answer (it can only stop on a correct answer). */
    static HaltPolicy verified() {
        return named("verified", StepState::isSolved);
    }

    /** A policy by its command-line name: {@code fixed}, {@code q-halt}, {@code q-halt:0.7}, {@code verified}, {@code verified+q-halt}. */
    static HaltPolicy parse(String text) {
        HaltPolicy result = null;
        for (String part : text.split("\\+")) {
            HaltPolicy p;
            String t = part.trim();
            if (t.equals("fixed")) {
                p = fixed();
            } else if (t.equals("verified")) {
                p = verified();
            } else if (t.equals("q-halt")) {
                p = qHalt(0.5);
            } else if (t.startsWith("q-halt:")) {
                try {
                    p = qHalt(Double.parseDouble(t.substring("q-halt:".length())));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("policy '" + t + "': the threshold is not a number");
                }
            } else {
                throw new IllegalArgumentException("unknown halting policy '" + t + "' (fixed, q-halt[:P], verified, A+B)");
            }
            result = result == null ? p : result.or(p);
        }
        return result;
    }

    default HaltPolicy or(HaltPolicy other) {
        HaltPolicy self = this;
        return new HaltPolicy() {
            @Override
            public String name() {
                return self.name() + "+" + other.name();
            }

            @Override
            public boolean halt(StepState s) {
                return self.halt(s) || other.halt(s);
            }

            @Override
            public String reason(StepState s) {
                return self.halt(s) ? self.reason(s) : other.reason(s);
            }
        };
    }

    /** The name of the policy that fired (for composed policies, the first). */
    default String reason(StepState s) {
        return name();
    }

    static HaltPolicy named(String name, Predicate<StepState> rule) {
        return new HaltPolicy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean halt(StepState s) {
                return rule.test(s);
            }
        };
    }
}
