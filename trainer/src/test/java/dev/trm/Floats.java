package dev.trm;

/** Test helper: float arrays as doubles, for streams. */
public final class Floats {
    private Floats() {
    }

    public static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
