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
 */
public record TrmConfig(String task, Variant variant, int hiddenSize, int heads, float expansion, int layers,
                        int hCycles, int lCycles, int haltMaxSteps, int vocabSize, int seqLen, int puzzleEmbLen,
                        int numPuzzleIds, float ropeTheta, float normEps) {
    /** The reference SwiGLU rounds its intermediate size up to a multiple of this. */
    public static final int SWIGLU_MULTIPLE = 256;

    public TrmConfig {
        require(task != null && !task.isEmpty(), "task must be named");
        require(variant != null, "variant must be set");
        require(hiddenSize > 0, "hidden size must be positive, got " + hiddenSize);
        require(heads > 0 && hiddenSize % heads == 0, "heads (" + heads + ") must divide the hidden size (" + hiddenSize + ")");
        require(variant != Variant.ATTENTION || (hiddenSize / heads) % 2 == 0, "RoPE needs an even head size");
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
        return new TrmConfig(task, variant, hiddenSize, heads, expansion, layers, t, n, nSup, vocabSize, seqLen,
                puzzleEmbLen, numPuzzleIds, ropeTheta, normEps);
    }

    /** The same model with {@code n} puzzle-embedding rows (ARC: one per task variant, plus the blank row 0). */
    public TrmConfig withPuzzleIds(int n) {
        return new TrmConfig(task, variant, hiddenSize, heads, expansion, layers, hCycles, lCycles, haltMaxSteps, vocabSize, seqLen,
                puzzleEmbLen, n, ropeTheta, normEps);
    }

    public TrmConfig withHiddenSize(int d, int h) {
        return new TrmConfig(task, variant, d, h, expansion, layers, hCycles, lCycles, haltMaxSteps, vocabSize, seqLen,
                puzzleEmbLen, numPuzzleIds, ropeTheta, normEps);
    }
}
