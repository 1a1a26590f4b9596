package dev.trm.task;

import java.util.Random;

/** Seeded permutations as int arrays, and their inverses. */
public final class Permutations {
    private Permutations() {
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    public static int[] random(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    public static int[] inverse(int[] p) {
        int[] inv = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            inv[p[i]] = i;
        }
        return inv;
    }

    /** Throws unless {@code p} holds each of 0..n-1 exactly once. */
    public static void require(int[] p, String what) {
        boolean[] seen = new boolean[p.length];
        for (int v : p) {
            if (v < 0 || v >= p.length || seen[v]) {
                throw new IllegalArgumentException(what + " is not a permutation of 0.." + (p.length - 1));
            }
            seen[v] = true;
        }
    }
}
