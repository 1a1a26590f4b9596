package dev.trm.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import picocli.CommandLine.Option;

/** Where DJL/PyTorch runs a checkpoint (train, eval): the one --device option. */
final class DeviceOptions {
    @Option(names = "--device", defaultValue = "cpu",
            description = "cpu or gpu for PyTorch (gpu needs a build with -Pcuda and a CUDA 12 driver) (default: ${DEFAULT-VALUE})")
    String device;

    /** The checked device; a GPU that is not there is a clear error. */
    Device device() {
        switch (device) {
            case "cpu":
                return Device.cpu();
            case "gpu": {
                int gpus = Engine.getInstance().getGpuCount();
                if (gpus == 0) {
                    throw new IllegalArgumentException("--device gpu: no CUDA GPU is visible to PyTorch "
                            + Engine.getInstance().getVersion() + " with the natives on the classpath (this build has the "
                            + "CPU natives unless it was built with `mvn -Pcuda`, and a CUDA 12 driver is needed)");
                }
                return Device.gpu();
            }
            default:
                throw new IllegalArgumentException("--device: expected cpu or gpu, got '" + device + "'");
        }
    }
}
