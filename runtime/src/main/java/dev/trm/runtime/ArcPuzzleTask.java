package dev.trm.runtime;

import dev.trm.task.Dihedral;
import dev.trm.task.PuzzleException;
import dev.trm.task.TaskKind;
import dev.trm.task.arc.ArcAugmentation;
import dev.trm.task.arc.ArcCodec;
import dev.trm.task.arc.ArcGrid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ARC in the runtime. A puzzle is a test input of a task the model was trained on, written
 * {@code TASK GRID} (for example {@code 007bbfb7 077/777/077}); an answer is a grid in the same
 * one-line form. The model learned one puzzle-embedding row per task and per variant of it
 * (dihedral transform + colour permutation), named as the reference names them:
 * {@code TASK} and {@code TASK|||t<k>|||<colour map>}. Copy k of a puzzle is its task's k-th
 * variant, under that variant's puzzle id; its prediction is mapped back (inverse colours, inverse
 * symmetry) before the copies vote, as the reference evaluator does. There is no checker: an ARC
 * answer is only known right against a given output.
 */
final class ArcPuzzleTask extends PuzzleTask {
    /** Separates a variant's parts in its reference name. */
    static final String NAME_SEPARATOR = "|||";
    private static final char TRANSFORM_MARK = 't';

    /** One trained form of a task: its puzzle id and the augmentation that made it from the task. */
    private record Variant(long puzzleId, ArcAugmentation augmentation) {
    }

    private final Map<String, List<Variant>> variants = new LinkedHashMap<>();

    /**
     * @param identifiers the model's puzzle identifiers, index = puzzle id (0 is the blank row)
     */
    ArcPuzzleTask(List<String> identifiers) {
        for (int id = 1; id < identifiers.size(); id++) {
            String name = identifiers.get(id);
            int cut = name.indexOf(NAME_SEPARATOR);
            String task = cut < 0 ? name : name.substring(0, cut);
            Variant v = new Variant(id, cut < 0 ? ArcAugmentation.identity() : augmentationOf(name, cut));
            List<Variant> list = variants.computeIfAbsent(task, k -> new ArrayList<>());
            if (v.augmentation().equals(ArcAugmentation.identity())) {
                list.add(0, v); // the task as given is copy 0
            } else {
                list.add(v);
            }
        }
        if (variants.isEmpty()) {
            throw new ModelLoadException("an ARC model needs its puzzle identifiers ('" + StepContract.PUZZLE_IDENTIFIERS
                    + "' metadata); export it with trm-export from a checkpoint or with --identifiers");
        }
    }

    /** The augmentation of a variant named {@code TASK|||t<k>|||<colour digits>}. */
    private static ArcAugmentation augmentationOf(String name, int cut) {
        String[] parts = name.substring(cut + NAME_SEPARATOR.length()).split("\\|\\|\\|");
        try {
            if (parts.length != 2 || parts[0].isEmpty() || parts[0].charAt(0) != TRANSFORM_MARK
                    || parts[1].length() != ArcGrid.COLOURS) {
                throw new IllegalArgumentException();
            }
            int[] colours = new int[ArcGrid.COLOURS];
            for (int k = 0; k < colours.length; k++) {
                colours[k] = parts[1].charAt(k) - '0';
            }
            return new ArcAugmentation(Dihedral.of(Integer.parseInt(parts[0].substring(1))), colours);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("puzzle identifier '" + name + "' is not TASK|||t<k>|||<10 colour digits>");
        }
    }

    /** The tasks the model knows. */
    List<String> tasks() {
        return new ArrayList<>(variants.keySet());
    }

    @Override
    public String name() {
        return TaskKind.ARC.id();
    }

    @Override
    public int sequenceLength() {
        return ArcCodec.CANVAS * ArcCodec.CANVAS;
    }

    /** Splits {@code TASK GRID} and checks the task is one the model was trained on. */
    private String[] split(String puzzle) {
        String t = puzzle.trim();
        int space = t.indexOf(' ');
        if (space < 0) {
            throw new InvalidPuzzleException("arc: a puzzle is 'TASK GRID' (for example 007bbfb7 077/777/077), got '"
                    + abbreviate(t) + "'");
        }
        String task = t.substring(0, space);
        if (!variants.containsKey(task)) {
            throw new InvalidPuzzleException("arc: task '" + task + "' is not one this model was trained on (it knows "
                    + variants.size() + " tasks)");
        }
        return new String[] {task, t.substring(space + 1).trim()};
    }

    private static String abbreviate(String s) {
        int most = 40;
        return s.length() <= most ? s : s.substring(0, most) + "...";
    }

    private ArcGrid grid(String text) {
        try {
            return ArcGrid.parse(text);
        } catch (PuzzleException e) {
            throw new InvalidPuzzleException("arc: " + e.getMessage(), e);
        }
    }

    @Override
    public int[] encode(String puzzle) {
        return ArcCodec.INSTANCE.encode(grid(split(puzzle)[1])); // test inputs sit at the canvas origin
    }

    /** The cropped grid, or an empty answer when the prediction has no grid at its top-left corner. */
    @Override
    public String decode(int[] tokens) {
        try {
            return ArcCodec.INSTANCE.decode(tokens).toText();
        } catch (PuzzleException e) {
            return "";
        }
    }

    @Override
    public boolean isSolution(String puzzle, String answer) {
        return false; // no checker: an ARC answer is right only against a known output
    }

    @Override
    public String render(String answer) {
        return answer.isEmpty() ? "(no grid)\n" : ArcGrid.parse(answer).render();
    }

    @Override
    public Augmentation augmentation(String puzzle, int copy, long seed) {
        String[] parts = split(puzzle);
        List<Variant> forms = variants.get(parts[0]);
        Variant v = forms.get(copy % forms.size());
        return new Augmentation() {
            @Override
            public String apply(String p) {
                String[] q = split(p);
                return q[0] + " " + v.augmentation().apply(grid(q[1])).toText();
            }

            @Override
            public String restore(String answer) {
                return answer.isEmpty() ? answer : v.augmentation().invert(ArcGrid.parse(answer)).toText();
            }

            @Override
            public long puzzleId() {
                return v.puzzleId();
            }

            @Override
            public String toString() {
                return v.augmentation().variantName(parts[0]);
            }
        };
    }

    @Override
    public int augmentationCount(String puzzle) {
        return variants.get(split(puzzle)[0]).size();
    }

    @Override
    public String solveExactly(String puzzle) {
        return null;
    }
}
