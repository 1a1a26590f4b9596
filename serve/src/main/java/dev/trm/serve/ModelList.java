package dev.trm.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.runtime.ModelInfo;
import dev.trm.runtime.StepContract;
import java.util.Map;
import java.util.Set;

/** The body of {@code GET /v1/models}: each model served, the default first, with what a caller may know of it. */
final class ModelList {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Metadata a caller is not shown: the initial vectors (numbers, not facts), and where the model was
     * made (host paths of its checkpoint and data set): internals stay on the server.
     */
    static final Set<String> HIDDEN_METADATA = Set.of(StepContract.Y_INIT, StepContract.Z_INIT, StepContract.SOURCE_CHECKPOINT,
            StepContract.DATASET);

    private ModelList() {
    }

    static ObjectNode of(Map<String, ServedModels.Entry> schedulers) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("models");
        String first = schedulers.keySet().iterator().next();
        schedulers.forEach((name, s) -> {
            ModelInfo info = s.served().model().info();
            ObjectNode m = list.addObject().put("name", name).put("default", name.equals(first)).put("task", info.task())
                    .put("n_sup", info.haltMaxSteps()).put("provider", s.served().model().provider().name().toLowerCase())
                    .put("sha256", s.served().sha256()).put("loaded_at", s.served().loadedAt().toString());
            ObjectNode md = m.putObject("metadata");
            info.metadata().forEach((k, v) -> {
                if (!HIDDEN_METADATA.contains(k)) {
                    md.put(k, v);
                }
            });
        });
        return body;
    }
}
