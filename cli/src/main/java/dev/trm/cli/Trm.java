package dev.trm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trm} command. */
@Command(name = "trm", mixinStandardHelpOptions = true, version = "trm 0.1.0",
        description = "Tiny Recursive Models: data, solve, train, export, eval, bench.")
public final class Trm {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Trm()).execute(args));
    }
}
