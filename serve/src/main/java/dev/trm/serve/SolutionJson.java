package dev.trm.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.runtime.Candidate;
import dev.trm.runtime.Solution;

/** The JSON form of one solved puzzle: {@code trm solve --json} prints it, {@code trm serve} answers with it. */
public final class SolutionJson {
    /** Candidates listed when copies disagree. */
    public static final int CANDIDATES = 3;

    private SolutionJson() {
    }

    /**
     * The fields {@code where}, {@code puzzle}, {@code answer}, {@code solved}, {@code solved_by},
     * {@code steps}, {@code copies}, {@code total_steps}, {@code halt}, {@code halt_probability},
     * {@code ms}, and {@code candidates} (the first few, ranked by the effort's pick) when more than one copy ran.
     *
     * @param where where the puzzle came from ({@code puzzle 2}, {@code f.csv:17}, {@code puzzles[0]})
     */
    public static ObjectNode of(String where, Solution s) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("where", where);
        o.put("puzzle", s.puzzle());
        o.put("answer", s.answer());
        o.put("solved", s.solved());
        o.put("solved_by", s.solvedBy());
        o.put("steps", s.steps());
        o.put("copies", s.copies());
        o.put("total_steps", s.totalSteps());
        o.put("halt", s.haltReason());
        o.put("halt_probability", s.haltProbabilities()[s.haltProbabilities().length - 1]);
        o.put("ms", s.nanos() / 1e6);
        if (s.copies() > 1) {
            ArrayNode c = o.putArray("candidates");
            for (Candidate k : s.candidates().subList(0, Math.min(CANDIDATES, s.candidates().size()))) {
                candidate(c.addObject(), "answer", k);
            }
        }
        return o;
    }

    /**
     * One candidate's fields, written into {@code o}: its answer under {@code answerField}, {@code votes},
     * {@code mean_halt_probability} and {@code max_halt_probability} (what each {@code Pick} ranks by).
     */
    public static ObjectNode candidate(ObjectNode o, String answerField, Candidate c) {
        return o.put(answerField, c.answer()).put("votes", c.votes())
                .put("mean_halt_probability", c.meanHaltProbability()).put("max_halt_probability", c.maxHaltProbability());
    }
}
