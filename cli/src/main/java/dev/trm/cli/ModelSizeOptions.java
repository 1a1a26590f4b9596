package dev.trm.cli;

import dev.trm.model.TrmConfig;
import picocli.CommandLine.Option;

/** The model-size options that override a preset's (or recipe's) architecture, for training and the training benchmark. */
final class ModelSizeOptions {
    @Option(names = "--hidden", description = "override: hidden size D") Integer hidden;
    @Option(names = "--heads", description = "override: attention heads") Integer heads;
    @Option(names = "--h-cycles", description = "override: T") Integer hCycles;
    @Option(names = "--l-cycles", description = "override: n") Integer lCycles;

    /** {@code c} with the sizes given (and N_sup when {@code haltMaxSteps} is not null); the others as they are. */
    TrmConfig applyTo(TrmConfig c, Integer haltMaxSteps) {
        TrmConfig r = c;
        if (hidden != null || heads != null) {
            r = r.withHiddenSize(hidden != null ? hidden : r.hiddenSize(), heads != null ? heads : r.heads());
        }
        if (hCycles != null || lCycles != null || haltMaxSteps != null) {
            r = r.withCycles(hCycles != null ? hCycles : r.hCycles(), lCycles != null ? lCycles : r.lCycles(),
                    haltMaxSteps != null ? haltMaxSteps : r.haltMaxSteps());
        }
        return r;
    }
}
