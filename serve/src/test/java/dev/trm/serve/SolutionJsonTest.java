package dev.trm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trm.runtime.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;

class SolutionJsonTest {
    @Test
    void aCandidateCarriesWhatEveryPickRanksBy() {
        Candidate c = Candidate.group(List.of("12", "12", "21"), List.of(0.2f, 0.6f, 0.9f)).get(0);
        JsonNode o = SolutionJson.candidate(JsonNodeFactory.instance.objectNode(), "grid", c);
        assertEquals("12", o.get("grid").asText());
        assertEquals(2, o.get("votes").asInt());
        assertEquals(0.4, o.get("mean_halt_probability").asDouble(), 1e-6);
        assertEquals(0.6, o.get("max_halt_probability").asDouble(), 1e-6);
    }
}
