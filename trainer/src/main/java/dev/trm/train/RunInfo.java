package dev.trm.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * What a checkpoint records about its run beyond the model and the schedule: where its data came
 * from (so a resume rebuilds the same stream), its recipe, the changes made on the way, its last
 * evaluation, and for ARC the names of its puzzle-embedding rows. Written into the checkpoint's
 * {@code checkpoint.json} as its {@code info} object under the names below, which are the only
 * place those names live; the exporter copies the provenance fields into the ONNX metadata.
 * Absent fields are null.
 *
 * @param data              the training data, described for people (a file, or generated givens)
 * @param dataFile          the training file, when the run reads one
 * @param generate          the givens range of generated Sudoku puzzles ({@code MIN-MAX})
 * @param curriculum        steps over which the fewest givens fall from MAX to MIN (0: none)
 * @param augment           whether samples are augmented on the fly
 * @param evalFile          the held-out file evaluated during training
 * @param evalData          the held-out set, described for people
 * @param recipe            the recipe the run started from
 * @param recipeStages      whether the run goes on through its recipe's later stages
 * @param nSupChanges       N_sup changes made on resumes, for people
 * @param generateChanges   givens changes made on resumes, for people
 * @param puzzleIdentifiers ARC: the puzzle-embedding rows' names, one per line
 * @param arcVariants       ARC: dihedral + colour variants per task
 * @param arcTrainOnTest    ARC: whether test pairs are trained on
 * @param arcTasks          ARC: the tasks kept (comma-separated), when not all
 * @param evalStep          the step of the last evaluation
 * @param evalExactAccuracy its exact accuracy
 * @param evalBlankAccuracy its accuracy on the cells to fill
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunInfo(
        @JsonProperty("data") String data,
        @JsonProperty("data_file") String dataFile,
        @JsonProperty("generate") String generate,
        @JsonProperty("curriculum") Long curriculum,
        @JsonProperty("augment") Boolean augment,
        @JsonProperty("eval_file") String evalFile,
        @JsonProperty("eval_data") String evalData,
        @JsonProperty("recipe") String recipe,
        @JsonProperty("recipe_stages") Boolean recipeStages,
        @JsonProperty("n_sup_changes") String nSupChanges,
        @JsonProperty("generate_changes") String generateChanges,
        @JsonProperty("puzzle_identifiers") String puzzleIdentifiers,
        @JsonProperty("arc_variants") Integer arcVariants,
        @JsonProperty("arc_train_on_test") Boolean arcTrainOnTest,
        @JsonProperty("arc_tasks") String arcTasks,
        @JsonProperty("eval_step") Long evalStep,
        @JsonProperty("eval_exact_accuracy") Double evalExactAccuracy,
        @JsonProperty("eval_blank_accuracy") Double evalBlankAccuracy) {

    /** A run with nothing recorded yet. */
    public static RunInfo empty() {
        return new Builder().build();
    }

    /** Whether samples are augmented (true unless recorded otherwise). */
    public boolean augments() {
        return augment == null || augment;
    }

    /** Whether the run follows its recipe's later stages. */
    public boolean followsRecipeStages() {
        return recipe != null && Boolean.TRUE.equals(recipeStages);
    }

    /** The ARC tasks kept, or null for all. */
    public List<String> arcTaskList() {
        return arcTasks == null ? null : List.of(arcTasks.split(","));
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a RunInfo field by field; {@link #note} appends to a history field. */
    public static final class Builder {
        private String data;
        private String dataFile;
        private String generate;
        private Long curriculum;
        private Boolean augment;
        private String evalFile;
        private String evalData;
        private String recipe;
        private Boolean recipeStages;
        private String nSupChanges;
        private String generateChanges;
        private String puzzleIdentifiers;
        private Integer arcVariants;
        private Boolean arcTrainOnTest;
        private String arcTasks;
        private Long evalStep;
        private Double evalExactAccuracy;
        private Double evalBlankAccuracy;

        public Builder() {
        }

        Builder(RunInfo r) {
            data = r.data;
            dataFile = r.dataFile;
            generate = r.generate;
            curriculum = r.curriculum;
            augment = r.augment;
            evalFile = r.evalFile;
            evalData = r.evalData;
            recipe = r.recipe;
            recipeStages = r.recipeStages;
            nSupChanges = r.nSupChanges;
            generateChanges = r.generateChanges;
            puzzleIdentifiers = r.puzzleIdentifiers;
            arcVariants = r.arcVariants;
            arcTrainOnTest = r.arcTrainOnTest;
            arcTasks = r.arcTasks;
            evalStep = r.evalStep;
            evalExactAccuracy = r.evalExactAccuracy;
            evalBlankAccuracy = r.evalBlankAccuracy;
        }

        /** A training file. */
        public Builder dataFile(String file, boolean augmented) {
            data = file;
            dataFile = file;
            generate = null;
            curriculum = null;
            augment = augmented;
            return this;
        }

        /** Generated Sudoku puzzles of {@code givens} (with a curriculum over {@code steps}, 0 for none). */
        public Builder generated(String givens, long steps, boolean augmented) {
            data = "generated Sudoku, givens " + givens + (steps > 0 ? " (curriculum over " + steps + " steps)" : "");
            dataFile = null;
            generate = givens;
            curriculum = steps;
            augment = augmented;
            return this;
        }

        public Builder evaluation(String file, String description) {
            evalFile = file;
            evalData = description;
            return this;
        }

        public Builder recipe(String name, boolean followsStages) {
            recipe = name;
            recipeStages = followsStages;
            return this;
        }

        public Builder nSupChange(String change) {
            nSupChanges = note(nSupChanges, change);
            return this;
        }

        public Builder generateChange(String change) {
            generateChanges = note(generateChanges, change);
            return this;
        }

        public Builder puzzleIdentifiers(List<String> names) {
            puzzleIdentifiers = String.join("\n", names);
            return this;
        }

        public Builder arc(int variants, boolean trainOnTest, List<String> tasks) {
            arcVariants = variants;
            arcTrainOnTest = trainOnTest;
            arcTasks = tasks == null ? null : String.join(",", tasks);
            return this;
        }

        public Builder lastEvaluation(long step, double exact, double blank) {
            evalStep = step;
            evalExactAccuracy = exact;
            evalBlankAccuracy = blank;
            return this;
        }

        private static String note(String history, String change) {
            List<String> all = new ArrayList<>();
            if (history != null) {
                all.add(history);
            }
            all.add(change);
            return String.join("; ", all);
        }

        public RunInfo build() {
            return new RunInfo(data, dataFile, generate, curriculum, augment, evalFile, evalData, recipe, recipeStages, nSupChanges,
                    generateChanges, puzzleIdentifiers, arcVariants, arcTrainOnTest, arcTasks, evalStep, evalExactAccuracy,
                    evalBlankAccuracy);
        }
    }
}
