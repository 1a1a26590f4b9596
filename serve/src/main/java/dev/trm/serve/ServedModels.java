package dev.trm.serve;

import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The models a server serves, by name (the default first), each with its {@link Scheduler}, and
 * their reload without downtime: a reload reads the model's file again and loads it beside the old
 * one; new requests go to the new model at once, while requests already taken finish on the old
 * one, which is closed once they are answered. A file that fails to load, or holds a model of
 * another task, leaves the old model serving and says why.
 */
final class ServedModels implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ServedModels.class.getName());

    /** A model being served and its batch. */
    record Entry(String name, ServedModel served, Scheduler scheduler) {
    }

    /**
     * What a reload did.
     *
     * @param loaded  whether the new file now serves (false: the old model stays)
     * @param message what happened, in words
     */
    record Reload(String name, boolean loaded, String message, String sha256) {
    }

    private final ServeConfig config;
    private final ServeMetrics metrics;
    private final ModelFiles files;
    private final RuntimeConfig options;
    /** Replaced by a new map on each reload (readers take the map they find). */
    private volatile Map<String, Entry> entries;
    private final List<Thread> retiring = new ArrayList<>();

    private ServedModels(ServeConfig config, ServeMetrics metrics, ModelFiles files, RuntimeConfig options, Map<String, ServedModel> models) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no model to serve");
        }
        this.config = config;
        this.metrics = metrics;
        this.files = files;
        this.options = options;
        Map<String, Entry> e = new LinkedHashMap<>();
        models.forEach((name, m) -> e.put(name, entry(name, m)));
        this.entries = e;
    }

    /** Models loaded by the caller, who keeps them (and closes them); no reload. */
    static ServedModels of(Map<String, TrmModel> models, ServeConfig config, ServeMetrics metrics) {
        Map<String, ServedModel> served = new LinkedHashMap<>();
        models.forEach((name, m) -> served.put(name, new ServedModel(m, null, java.time.Instant.now(), null)));
        return new ServedModels(config, metrics, null, null, served);
    }

    /** Models the server loads from their files, owns, and can reload. */
    static ServedModels load(List<String> names, ModelFiles files, RuntimeConfig options, ServeConfig config, ServeMetrics metrics)
            throws IOException {
        Map<String, ServedModel> served = new LinkedHashMap<>();
        try {
            for (String name : names) {
                served.put(name, ServedModel.load(files.read(name), options, "model '" + name + "'"));
            }
        } catch (IOException | RuntimeException e) {
            served.values().forEach(m -> m.model().close());
            throw e;
        }
        return new ServedModels(config, metrics, files, options, served);
    }

    private Entry entry(String name, ServedModel m) {
        return new Entry(name, m, new Scheduler(name, m.model(), config.maxBatch(), config.maxQueue(), metrics));
    }

    /** The models now, the default first. */
    Map<String, Entry> entries() {
        return entries;
    }

    Entry get(String name) {
        return entries.get(name);
    }

    /** The loaded models by name (to parse a request's puzzles with its model's task). */
    Map<String, TrmModel> models() {
        Map<String, TrmModel> out = new LinkedHashMap<>();
        entries.forEach((name, e) -> out.put(name, e.served().model()));
        return out;
    }

    /** Reloads every model from its file. */
    List<Reload> reloadAll() {
        return entries.keySet().stream().map(this::reload).toList();
    }

    /** Reloads one model from its file, or keeps the old one and says why. */
    synchronized Reload reload(String name) {
        Entry old = entries.get(name);
        if (old == null) {
            throw new ApiError(ApiError.NOT_FOUND, "no model '" + name + "' (have " + entries.keySet() + ")");
        }
        if (files == null) {
            throw new ApiError(ApiError.CONFLICT, "model '" + name + "' was handed to the server loaded: there is no file to reload it from");
        }
        ServedModel fresh;
        try {
            fresh = ServedModel.load(files.read(name), options, "model '" + name + "'");
        } catch (IOException | RuntimeException e) {
            return kept(name, old, "its file failed to load: " + e.getMessage());
        }
        String task = old.served().model().info().task();
        if (!fresh.model().info().task().equals(task)) {
            fresh.model().close();
            return kept(name, old, "the new file holds a " + fresh.model().info().task() + " model, and this name serves " + task);
        }
        Map<String, Entry> next = new LinkedHashMap<>(entries);
        next.put(name, entry(name, fresh));
        entries = next;
        retire(old);
        metrics.reload(name, "loaded");
        LOG.info(() -> "model " + name + " reloaded: sha256 " + fresh.sha256() + " (was " + old.served().sha256() + ")");
        return new Reload(name, true, "reloaded; requests already taken finish on the previous model", fresh.sha256());
    }

    private Reload kept(String name, Entry old, String why) {
        metrics.reload(name, "kept");
        LOG.warning(() -> "model " + name + ": reload refused, the model loaded at " + old.served().loadedAt() + " keeps serving: " + why);
        return new Reload(name, false, "kept the model loaded at " + old.served().loadedAt() + ": " + why, old.served().sha256());
    }

    /** The old model answers what it took, then closes (on a thread of its own, so the reload returns at once). */
    private void retire(Entry old) {
        Thread t = new Thread(() -> {
            try {
                old.scheduler().drain(config.limits().maxTimeout()); // its requests' longest deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                old.scheduler().close();
                old.served().model().close();
            }
        }, "trm-retire-" + old.name());
        t.setDaemon(true);
        synchronized (retiring) {
            retiring.removeIf(r -> !r.isAlive());
            retiring.add(t);
        }
        t.start();
    }

    /**
     * Takes no new requests and waits until those in flight are answered, or the timeout.
     *
     * @return whether all were answered in time
     */
    boolean drain(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        boolean all = true;
        for (Entry e : entries.values()) {
            all &= e.scheduler().drain(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
        }
        return all;
    }

    /** Answers every open request at once as at its deadline (504 with what finished). */
    void cutShort() {
        entries.values().forEach(e -> e.scheduler().cutShort());
    }

    /** Stops every batch; the models the server loaded itself are closed, those handed to it stay open. */
    @Override
    public void close() {
        for (Entry e : entries.values()) {
            e.scheduler().close();
            if (files != null) {
                e.served().model().close();
            }
        }
        List<Thread> left;
        synchronized (retiring) {
            left = List.copyOf(retiring);
        }
        for (Thread t : left) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                LOG.log(Level.FINE, "interrupted while a replaced model closed", ex);
            }
        }
    }
}
