package dev.trm.cli;

import dev.trm.data.DataFormatException;
import dev.trm.task.PuzzleException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code trm} command. Exit codes: 0 success, 1 bad input or a failed check (the message names
 * what and where), 2 a usage error.
 */
@Command(name = "trm", mixinStandardHelpOptions = true, version = "trm 0.1.0",
        description = "Tiny Recursive Models: puzzles, data sets and (as they land) train, export, eval, bench.",
        subcommands = {SolveCommand.class, DataCommand.class, TrainCommand.class, EvalCommand.class, ExportCommand.class, BenchCommand.class})
public final class Trm {
    /** Exit code of bad input or a failed check. */
    public static final int EXIT_BAD_INPUT = 1;

    public static void main(String[] args) {
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
        if (e instanceof DataFormatException || e instanceof PuzzleException || e instanceof IOException
                || e instanceof IllegalArgumentException || e instanceof dev.trm.runtime.TrmRuntimeException) {
            err.println(cl.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            err.flush();
            return EXIT_BAD_INPUT;
        }
        throw new IllegalStateException(e);
    }
}
