package dev.trm.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/** Counts of integer values in labelled buckets, printed as a text bar chart with min/max/mean. */
final class Histogram {
    private static final int BAR_WIDTH = 40;

    private final String title;
    private final LongFunction<long[]> bucketOf; // value -> {low, high}
    private final TreeMap<Long, long[]> buckets = new TreeMap<>(); // low -> {high, count}
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    private Histogram(String title, LongFunction<long[]> bucketOf) {
        this.title = title;
        this.bucketOf = bucketOf;
    }

    /** One bucket per value. */
    static Histogram exact(String title) {
        return new Histogram(title, v -> new long[] {v, v});
    }

    /** Buckets 0, 1, 2-3, 4-7, 8-15, ... for long-tailed counts such as solver dead ends. */
    static Histogram powersOfTwo(String title) {
        return new Histogram(title, v -> {
            if (v <= 0) {
                return new long[] {v, v};
            }
            long low = Long.highestOneBit(v);
            return new long[] {low, 2 * low - 1};
        });
    }

    void add(long value) {
        long[] b = bucketOf.apply(value);
        buckets.computeIfAbsent(b[0], k -> new long[] {b[1], 0})[1]++;
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
    }

    void print(PrintWriter out) {
        if (count == 0) {
            out.printf("%s: none%n", title);
            return;
        }
        out.printf("%s: min %d, max %d, mean %.1f%n", title, min, max, (double) sum / count);
        long most = buckets.values().stream().mapToLong(b -> b[1]).max().orElse(1);
        for (Map.Entry<Long, long[]> e : buckets.entrySet()) {
            long low = e.getKey();
            long high = e.getValue()[0];
            long n = e.getValue()[1];
            String label = low == high ? Long.toString(low) : low + "-" + high;
            int bar = (int) Math.max(1, Math.round((double) n * BAR_WIDTH / most));
            out.printf("  %9s | %-" + BAR_WIDTH + "s %d%n", label, "#".repeat(bar), n);
        }
    }
}
