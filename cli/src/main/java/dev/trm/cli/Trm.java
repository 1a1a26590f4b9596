package dev.trm.cli;

import dev.trm.data.DataFormatException;
import dev.trm.model.PyTorchNatives;
import dev.trm.runtime.OrtNatives;
import dev.trm.runtime.TrmRuntimeException;
import dev.trm.task.PuzzleException;
import dev.trm.train.DivergedException;
import dev.trm.train.RunLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code trm} command. Exit codes: 0 success, 1 bad input or a failed check (the message names
 * what and where), 2 a usage error.
 */
@Command(name = "trm", mixinStandardHelpOptions = true, version = "trm 0.1.0",
        description = "Tiny Recursive Models: solve puzzles with a TRM, make data sets, train, export, evaluate and benchmark.",
        subcommands = {SolveCommand.class, DataCommand.class, TrainCommand.class, EvalCommand.class, ExportCommand.class, BenchCommand.class,
            ServeCommand.class, PageCommand.class})
public final class Trm {
    /** Exit code of bad input or a failed check. */
    public static final int EXIT_BAD_INPUT = 1;

    /** java.util.logging's line format (the runtime logs through it): one line, no timestamp. */
    private static final String LOG_FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";
    /** DJL's switch that forbids downloading an engine's natives: the command never downloads at run time. */
    private static final String DJL_OFFLINE_PROPERTY = "ai.djl.offline";

    public static void main(String[] args) {
        if (System.getProperty(LOG_FORMAT_PROPERTY) == null) {
            System.setProperty(LOG_FORMAT_PROPERTY, "trm: %5$s%6$s%n");
        }
        OrtNatives.useCache(); // the command, unlike the runtime jar, keeps ONNX Runtime's natives in ~/.cache/trm
        System.setProperty(DJL_OFFLINE_PROPERTY, "true"); // PyTorch's natives come from the class path or not at all
        System.exit(commandLine().execute(args));
    }

    /** The command line with this toolkit's error handling, for main and for tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Trm());
        cl.setExecutionExceptionHandler(Trm::handle);
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof ClosedOutputException) {
            return ClosedOutputException.EXIT_CODE;
        }
        if (e instanceof DataFormatException || e instanceof PuzzleException || e instanceof IOException || e instanceof UncheckedIOException
                || e instanceof IllegalArgumentException || e instanceof TrmRuntimeException || e instanceof DivergedException
                || e instanceof RunLock.InUseException || e instanceof PyTorchNatives.MissingException) {
            err.println(cl.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            err.flush();
            return EXIT_BAD_INPUT;
        }
        throw new IllegalStateException(e);
    }
}
