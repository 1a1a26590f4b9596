package dev.trm.train;

import dev.trm.io.SafeTensors;
import dev.trm.model.TrmParameters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Checks a set of named tensors against a model's parameter list, naming every difference. */
public final class TensorCheck {
    private TensorCheck() {
    }

    /** Throws naming all missing, extra and mis-shaped tensors. */
    public static void requireExact(TrmParameters params, Map<String, SafeTensors.Tensor> tensors, String source)
            throws IOException {
        List<String> missing = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        for (TrmParameters.Spec s : params.specs()) {
            SafeTensors.Tensor t = tensors.get(s.name());
            if (t == null) {
                missing.add(s.name());
            } else if (!Arrays.equals(t.shape(), s.shape()) || t.floats() == null) {
                shapes.add(s.name() + " is " + t.dtype() + " " + t.shapeText() + ", expected float " + Arrays.toString(s.shape()));
            }
        }
        List<String> extra = new ArrayList<>();
        for (String name : tensors.keySet()) {
            boolean known = params.specs().stream().anyMatch(s -> s.name().equals(name));
            if (!known) {
                extra.add(name);
            }
        }
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add("missing tensors: " + String.join(", ", missing));
        }
        if (!extra.isEmpty()) {
            problems.add("unexpected tensors: " + String.join(", ", extra));
        }
        if (!shapes.isEmpty()) {
            problems.add("mis-shaped tensors: " + String.join("; ", shapes));
        }
        if (!problems.isEmpty()) {
            throw new IOException(source + ": " + String.join("; ", problems));
        }
    }
}
