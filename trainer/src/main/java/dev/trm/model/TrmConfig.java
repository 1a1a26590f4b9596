package dev.trm.model;

/**
 * The architecture of one TRM: the reference {@code config/arch/trm.yaml} fields plus the
 * data-dependent ones. Validated at construction; derived sizes are methods.
 *
 * @param task             task name ({@code sudoku}, {@code maze}, {@code arc})
 * @param variant          MLP-mixer or attention
 * @param hiddenSize       D
 * @param heads            attention heads (head size D / heads)
 * @param expansion        SwiGLU expansion before the reference rounding
 * @param layers           blocks in the one network
 * @param hCycles          T: rounds per supervision step (T-1 without gradient)
 * @param lCycles          n: z updates per round
 * @param haltMaxSteps     N_sup: supervision steps at most
 * @param vocabSize        V
 * @param seqLen           S: tokens per puzzle
 * @param puzzleEmbLen     prefix rows holding the puzzle embedding (16 in TRM)
 * @param numPuzzleIds     rows of the puzzle-embedding table
 * @param ropeTheta        RoPE base
 * @param normEps          RMSNorm epsilon
 * @param posEncoding      rope, learned or none (missing in files written before it existed: rope for
 *                         attention, none for the MLP mixer)
 * @param architecture     TRM or HRM (missing: TRM)
 * @param hLayers          blocks in HRM's H network (0 for TRM, whose one network updates y too)
 * @param haltOnContinue   halt when q_halt > q_continue (a model trained with the Q-learning continue
 *                         loss: HRM, or a TRM with no_ACT_continue false) rather than when q_halt > 0 (TRM's
 *                         default and every model trained here)
 */
public record TrmConfig(String task, Variant variant, int hiddenSize, int heads, float expansion, int layers,
                        int hCycles, int lCycles, int haltMaxSteps, int vocabSize, int seqLen, int puzzleEmbLen,
                        int numPuzzleIds, float ropeTheta, float normEps, PosEncoding posEncoding,
                        Architecture architecture, int hLayers, boolean haltOnContinue) {
    /** The reference SwiGLU rounds its intermediate size up to a multiple of this. */
    public static final int SWIGLU_MULTIPLE = 256;

    public TrmConfig {
        if (posEncoding == null) {
            posEncoding = variant == Variant.ATTENTION ? PosEncoding.ROPE : PosEncoding.NONE;
        }
        if (architecture == null) {
            architecture = Architecture.TRM;
        }
        require(task != null && !task.isEmpty(), "task must be named");
        require(variant != null, "variant must be set");
        require(hiddenSize > 0, "hidden size must be positive, got " + hiddenSize);
        require(heads > 0 && hiddenSize % heads == 0, "heads (" + heads + ") must divide the hidden size (" + hiddenSize + ")");
        require(posEncoding != PosEncoding.ROPE || variant == Variant.ATTENTION, "RoPE rotates attention's q and k: the MLP"
                + " mixer takes pos_encodings none or learned");
        require(posEncoding != PosEncoding.ROPE || (hiddenSize / heads) % 2 == 0, "RoPE needs an even head size");
        require(expansion > 0, "expansion must be positive");
        require(layers > 0, "layers must be positive");
        require(hCycles >= 1, "H cycles (T) must be at least 1, got " + hCycles);
        require(lCycles >= 1, "L cycles (n) must be at least 1, got " + lCycles);
        require(haltMaxSteps >= 1, "halt max steps (N_sup) must be at least 1, got " + haltMaxSteps);
        require(vocabSize >= 2, "vocabulary must have at least 2 tokens");
        require(seqLen >= 1, "sequence length must be positive");
        require(puzzleEmbLen >= 1, "the puzzle-embedding prefix needs at least one row (the Q head reads row 0)");
        require(numPuzzleIds >= 1, "the puzzle-embedding table needs at least one row");
        require(ropeTheta > 0 && normEps > 0, "RoPE theta and norm epsilon must be positive");
        require(architecture == Architecture.HRM ? hLayers > 0 : hLayers == 0,
                architecture == Architecture.HRM ? "HRM's H network needs at least one layer, got " + hLayers
                        : "H layers are HRM's; TRM has one network (got " + hLayers + ")");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("model config: " + message);
        }
    }

    /** L = puzzle prefix + S: the working sequence length. */
    public int workingLength() {
        return puzzleEmbLen + seqLen;
    }

    public int headSize() {
        return hiddenSize / heads;
    }

    /** Network calls per supervision step: T x (n + 1). */
    public int callsPerStep() {
        return hCycles * (lCycles + 1);
    }

    /** The reference SwiGLU intermediate size for a hidden size h: ceil(round(e * h * 2 / 3) / 256) * 256. */
    public int swigluInter(int h) {
        long rounded = Math.round(expansion * h * 2.0 / 3.0);
        return (int) ((rounded + SWIGLU_MULTIPLE - 1) / SWIGLU_MULTIPLE * SWIGLU_MULTIPLE);
    }

    public TrmConfig withCycles(int t, int n, int nSup) {
        return toBuilder().hCycles(t).lCycles(n).haltMaxSteps(nSup).build();
    }

    /** The same model with {@code n} puzzle-embedding rows (ARC: one per task variant, plus the blank row 0). */
    public TrmConfig withPuzzleIds(int n) {
        return toBuilder().numPuzzleIds(n).build();
    }

    public TrmConfig withHiddenSize(int d, int h) {
        return toBuilder().hiddenSize(d).heads(h).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A config built field by field, by name; {@link #build()} validates it. */
    public static final class Builder {
        private String task;
        private Variant variant;
        private int hiddenSize;
        private int heads;
        private float expansion;
        private int layers;
        private int hCycles;
        private int lCycles;
        private int haltMaxSteps;
        private int vocabSize;
        private int seqLen;
        private int puzzleEmbLen;
        private int numPuzzleIds = 1;
        private float ropeTheta;
        private float normEps;
        private PosEncoding posEncoding;
        private Architecture architecture = Architecture.TRM;
        private int hLayers;
        private boolean haltOnContinue;

        public Builder() {
        }

        private Builder(TrmConfig c) {
            task = c.task;
            variant = c.variant;
            hiddenSize = c.hiddenSize;
            heads = c.heads;
            expansion = c.expansion;
            layers = c.layers;
            hCycles = c.hCycles;
            lCycles = c.lCycles;
            haltMaxSteps = c.haltMaxSteps;
            vocabSize = c.vocabSize;
            seqLen = c.seqLen;
            puzzleEmbLen = c.puzzleEmbLen;
            numPuzzleIds = c.numPuzzleIds;
            ropeTheta = c.ropeTheta;
            normEps = c.normEps;
            posEncoding = c.posEncoding;
            architecture = c.architecture;
            hLayers = c.hLayers;
            haltOnContinue = c.haltOnContinue;
        }

        public Builder task(String v) {
            task = v;
            return this;
        }

        public Builder variant(Variant v) {
            variant = v;
            return this;
        }

        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        public Builder heads(int v) {
            heads = v;
            return this;
        }

        public Builder expansion(float v) {
            expansion = v;
            return this;
        }

        public Builder layers(int v) {
            layers = v;
            return this;
        }

        public Builder hCycles(int v) {
            hCycles = v;
            return this;
        }

        public Builder lCycles(int v) {
            lCycles = v;
            return this;
        }

        public Builder haltMaxSteps(int v) {
            haltMaxSteps = v;
            return this;
        }

        public Builder vocabSize(int v) {
            vocabSize = v;
            return this;
        }

        public Builder seqLen(int v) {
            seqLen = v;
            return this;
        }

        public Builder puzzleEmbLen(int v) {
            puzzleEmbLen = v;
            return this;
        }

        public Builder numPuzzleIds(int v) {
            numPuzzleIds = v;
            return this;
        }

        public Builder ropeTheta(float v) {
            ropeTheta = v;
            return this;
        }

        public Builder normEps(float v) {
            normEps = v;
            return this;
        }

        public Builder posEncoding(PosEncoding v) {
            posEncoding = v;
            return this;
        }

        /** HRM with an H network of {@code h} layers, or TRM ({@code h} must then be 0). */
        public Builder architecture(Architecture a, int h) {
            architecture = a;
            hLayers = h;
            return this;
        }

        public Builder haltOnContinue(boolean v) {
            haltOnContinue = v;
            return this;
        }

        public TrmConfig build() {
            return new TrmConfig(task, variant, hiddenSize, heads, expansion, layers, hCycles, lCycles, haltMaxSteps, vocabSize,
                    seqLen, puzzleEmbLen, numPuzzleIds, ropeTheta, normEps, posEncoding, architecture, hLayers, haltOnContinue);
        }
    }
}
