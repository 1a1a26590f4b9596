package dev.trm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The Java runtime still does what the conformance fixture (which the browser test holds the page's loop to) says. */
class ConformanceTest {
    @Test
    void theJavaRuntimeGivesTheFixturesAnswersStepsAndHaltingForTheShippedModel() throws Exception {
        ObjectNode now = Conformance.generate();
        Conformance.write(now);
        ObjectNode committed = Conformance.committed();
        String hint = " (the Java runtime's result is in serve/" + Conformance.WRITTEN + "; if the model or the runtime changed on"
                + " purpose, copy it to serve/src/test/resources" + Conformance.RESOURCE + ")";
        assertEquals(ServedModel.sha256(Files.readAllBytes(Conformance.MODEL)), committed.get("sha256").asText(),
                "the fixture was made for another model file" + hint);
        for (int i = 0; i < committed.get("cases").size(); i++) {
            assertEquals(committed.get("cases").get(i), now.get("cases").get(i), "case " + i + hint);
        }
        assertEquals(committed, now, hint);
    }
}
