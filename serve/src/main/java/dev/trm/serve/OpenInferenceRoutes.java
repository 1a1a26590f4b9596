package dev.trm.serve;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The Open Inference Protocol v2's paths ({@code /v2}, its probes, a model's metadata, readiness and
 * inference), on the same batches as {@code /v1}: an inference is decoded by {@link OpenInference},
 * checked as a {@code /v1/solve} body and queued like one.
 */
final class OpenInferenceRoutes {
    /** The server's version in {@code GET /v2}. */
    private static final String VERSION = "0.1.0";

    /** How the server queues a request (the one way for v1, streams and v2). */
    @FunctionalInterface
    interface Submit {
        CompletableFuture<Scheduler.Outcome> submit(Call call, SolveRequest request, long t0, Scheduler.Listener listener);
    }

    private final ServedModels models;
    private final ServeConfig config;
    private final Submit submit;
    private final BooleanSupplier draining;

    OpenInferenceRoutes(ServedModels models, ServeConfig config, Submit submit, BooleanSupplier draining) {
        this.models = models;
        this.config = config;
        this.submit = submit;
        this.draining = draining;
    }

    /** The Open Inference Protocol's paths: {@code /v2}, its probes, and a model's metadata, readiness and inference. */
    CompletableFuture<Reply> route(Call call) {
        String path = call.path();
        SolveServer.require(call, path.endsWith("/infer") ? SolveServer.POST : SolveServer.GET);
        switch (path) {
            case "/v2": return SolveServer.done(Reply.json(ApiError.OK, OpenInference.serverMetadata(VERSION)));
            case "/v2/health/live": return SolveServer.done(Reply.empty(ApiError.OK));
            case "/v2/health/ready": return SolveServer.done(Reply.empty(draining.getAsBoolean() ? ApiError.BAD_REQUEST : ApiError.OK));
            default: break;
        }
        String[] parts = path.substring("/v2/models/".length()).split("/", -1);
        if (!path.startsWith("/v2/models/") || parts[0].isEmpty()) {
            throw new ApiError(ApiError.NOT_FOUND, "no such path: " + path);
        }
        ServedModels.Entry model = models.get(parts[0]);
        if (model == null) {
            throw new ApiError(ApiError.NOT_FOUND, "no model '" + parts[0] + "' (have " + models.entries().keySet() + ")");
        }
        int at = 1;
        if (parts.length > 2 && parts[1].equals("versions")) {
            if (!parts[2].equals(model.served().version())) {
                throw new ApiError(ApiError.NOT_FOUND, "model '" + parts[0] + "' has no version '" + parts[2] + "' (it serves "
                        + model.served().version() + ")");
            }
            at = 3;
        }
        String rest = String.join("/", Arrays.asList(parts).subList(at, parts.length));
        switch (rest) {
            case "": return SolveServer.done(Reply.json(ApiError.OK, OpenInference.modelMetadata(model)));
            case "ready": return SolveServer.done(Reply.empty(draining.getAsBoolean() ? ApiError.BAD_REQUEST : ApiError.OK));
            case "infer": return infer(call, model.name());
            default: throw new ApiError(ApiError.NOT_FOUND, "no such path: " + path);
        }
    }

    private CompletableFuture<Reply> infer(Call call, String name) {
        long t0 = System.nanoTime();
        OpenInference.Infer infer = OpenInference.decode(call, name);
        SolveRequest request = SolveRequest.decode(infer.body(), models.models(), config);
        return submit.submit(call, request, t0, null).thenApply(outcome -> {
            if (outcome.deadlinePassed()) {
                throw new ApiError(ApiError.DEADLINE, "the deadline of " + request.timeout().toMillis() + " ms passed: "
                        + outcome.finished() + " of " + request.puzzles().size() + " puzzles finished");
            }
            return OpenInference.encode(infer, models.get(name), outcome.solutions());
        }).exceptionally(e -> OpenInference.error(SolveServer.apiError(e)));
    }

}
