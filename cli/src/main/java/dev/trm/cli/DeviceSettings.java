package dev.trm.cli;

import ai.djl.Device;
import picocli.CommandLine.Option;

/** Where DJL/PyTorch runs a checkpoint (train, eval): the one --device option. */
final class DeviceSettings {
    @Option(names = "--device", defaultValue = "cpu",
            description = "cpu or gpu for PyTorch (gpu needs a build with -Pcuda and a CUDA 12 driver) (default: ${DEFAULT-VALUE})")
    String device;

    /** The checked device; a GPU that is not there is a clear error. */
    Device device() {
        return TrainingData.device(device);
    }
}
