package dev.trm.cli;

import dev.trm.data.PuzzleCsv;
import dev.trm.data.PuzzleFile;
import java.io.Closeable;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The puzzles of one command, read as they are needed (a file of any length streams): the
 * command-line arguments, then {@code --file}; standard input when neither is given. Each puzzle
 * carries where it came from, for messages: {@code puzzle 2} (an argument), {@code f.csv:17} (the
 * file's line), {@code standard input:3}.
 */
final class PuzzleInput implements Closeable {
    /** One puzzle and where it came from. */
    record Entry(String where, String puzzle) {
    }

    private final List<String> arguments;
    private final PuzzleFile file;
    private final String fileName;
    private int argument;
    private int read;

    private PuzzleInput(List<String> arguments, PuzzleFile file, String fileName) {
        this.arguments = arguments;
        this.file = file;
        this.fileName = fileName;
    }

    /** The arguments and the file; standard input when both are absent. */
    static PuzzleInput of(List<String> arguments, Path file, InputStream stdin) {
        if (file != null) {
            return new PuzzleInput(arguments, PuzzleFile.open(file), file.toString());
        }
        if (arguments.isEmpty()) {
            return new PuzzleInput(arguments, PuzzleFile.of("standard input", stdin), "standard input");
        }
        return new PuzzleInput(arguments, null, null);
    }

    /** Up to {@code n} more puzzles; an empty list at the end. An input with no puzzle at all is an error. */
    List<Entry> take(int n) {
        List<Entry> out = new ArrayList<>();
        while (out.size() < n && argument < arguments.size()) {
            argument++;
            out.add(new Entry(arguments.size() == 1 && file == null ? "puzzle" : "puzzle " + argument, arguments.get(argument - 1)));
        }
        while (out.size() < n && file != null && file.hasNext()) {
            PuzzleCsv.Row row = file.next();
            out.add(new Entry(fileName + ":" + row.line(), row.question()));
        }
        read += out.size();
        if (read == 0) {
            throw new IllegalArgumentException(fileName + ": no puzzles in it"
                    + (arguments.isEmpty() && "standard input".equals(fileName) ? " (give puzzles as arguments, with --file or on standard input)" : ""));
        }
        return out;
    }

    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }
}
