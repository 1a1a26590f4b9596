package dev.trm.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tensors of one model on a device, by state-dict name, owned by one manager. */
public final class TrmWeights implements AutoCloseable {
    private final TrmParameters parameters;
    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final Map<String, NDArray> constants = new HashMap<>();

    /** Creates the tensors from host values (see {@link TrmParameters#initialise}). */
    public TrmWeights(TrmParameters parameters, Map<String, float[]> values, NDManager parent, Device device) {
        this.parameters = parameters;
        this.manager = parent.newSubManager(device);
        for (TrmParameters.Spec s : parameters.specs()) {
            float[] v = values.get(s.name());
            if (v == null) {
                throw new IllegalArgumentException("no values for tensor '" + s.name() + "'");
            }
            if (v.length != s.size()) {
                throw new IllegalArgumentException("tensor '" + s.name() + "' has " + v.length + " values, expected " + s.size());
            }
            arrays.put(s.name(), TorchOwned.of(manager, v, new Shape(s.shape())));
        }
    }

    public TrmParameters parameters() {
        return parameters;
    }

    public NDManager manager() {
        return manager;
    }

    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    public NDArray get(String name) {
        return arrays.get(name);
    }

    /** Constant tables cached for {@link DjlOps}. */
    public Map<String, NDArray> constants() {
        return constants;
    }

    /** Host copies of every tensor, in declaration order. */
    public Map<String, float[]> values() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }

    /** Ops for one step whose intermediates belong to {@code step}. */
    public DjlOps ops(NDManager step) {
        return new DjlOps(arrays, constants, step);
    }

    @Override
    public void close() {
        manager.close();
    }
}
