package dev.trm.task.arc;

import dev.trm.task.Dihedral;
import dev.trm.task.Permutations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One ARC variant as the reference builder makes it: a dihedral transform and a permutation of the
 * colours 1..9 (0, black, stays). {@link #invert} maps a prediction for the variant back to the
 * original task's frame, which evaluation needs to vote across variants.
 *
 * @param dihedral  the symmetry applied to every grid
 * @param colourMap colourMap[k] is the new colour of k; colourMap[0] == 0
 */
public record ArcAugmentation(Dihedral dihedral, int[] colourMap) {
    public ArcAugmentation {
        if (colourMap.length != ArcGrid.COLOURS || colourMap[0] != 0) {
            throw new IllegalArgumentException("colour map must have 10 entries and keep 0 at 0");
        }
        Permutations.require(colourMap, "colour map");
        colourMap = colourMap.clone();
    }

    public static ArcAugmentation identity() {
        int[] map = new int[ArcGrid.COLOURS];
        for (int k = 0; k < map.length; k++) {
            map[k] = k;
        }
        return new ArcAugmentation(Dihedral.IDENTITY, map);
    }

    public static ArcAugmentation random(Random rng) {
        Dihedral t = Dihedral.of(rng.nextInt(Dihedral.values().length));
        int[] perm = Permutations.random(ArcGrid.COLOURS - 1, rng);
        int[] map = new int[ArcGrid.COLOURS];
        for (int k = 1; k < map.length; k++) {
            map[k] = perm[k - 1] + 1;
        }
        return new ArcAugmentation(t, map);
    }

    public ArcGrid apply(ArcGrid grid) {
        return grid.transform(dihedral).recolour(colourMap);
    }

    /** Maps a grid of the variant back to the original frame: {@code invert(apply(g)).equals(g)}. */
    public ArcGrid invert(ArcGrid grid) {
        return grid.recolour(Permutations.inverse(colourMap)).transform(dihedral.inverse());
    }

    public ArcPair apply(ArcPair pair) {
        return new ArcPair(apply(pair.input()), pair.hasOutput() ? apply(pair.output()) : null);
    }

    /** The variant of a whole task, named as the reference names it: {@code id|||t<k>|||<colours>}. */
    public ArcTask apply(ArcTask task) {
        List<ArcPair> train = new ArrayList<>();
        List<ArcPair> test = new ArrayList<>();
        task.train().forEach(p -> train.add(apply(p)));
        task.test().forEach(p -> test.add(apply(p)));
        return new ArcTask(variantName(task.id()), train, test);
    }

    public String variantName(String taskId) {
        StringBuilder colours = new StringBuilder();
        for (int c : colourMap) {
            colours.append(c);
        }
        return taskId + "|||t" + dihedral.id() + "|||" + colours;
    }

    /**
     * A random offset at which both grids of a pair fit the canvas together (the reference
     * translation augmentation; input and output share it).
     */
    public static int[] randomOffset(ArcPair pair, Random rng) {
        int h = pair.input().height();
        int w = pair.input().width();
        if (pair.hasOutput()) {
            h = Math.max(h, pair.output().height());
            w = Math.max(w, pair.output().width());
        }
        return new int[] {rng.nextInt(ArcCodec.CANVAS - h + 1), rng.nextInt(ArcCodec.CANVAS - w + 1)};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArcAugmentation && dihedral == ((ArcAugmentation) o).dihedral
                && Arrays.equals(colourMap, ((ArcAugmentation) o).colourMap);
    }

    @Override
    public int hashCode() {
        return 31 * dihedral.hashCode() + Arrays.hashCode(colourMap);
    }

    @Override
    public String toString() {
        return "ArcAugmentation[" + dihedral + ", colours=" + Arrays.toString(colourMap) + "]";
    }
}
