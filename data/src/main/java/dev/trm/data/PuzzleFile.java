package dev.trm.data;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Puzzles read one at a time, so a file of any length streams: the HRM CSV layout (a header with a
 * {@code question} column; {@code answer}, {@code source} and {@code rating} optional) or plain
 * text with one puzzle per line (blank lines skipped). Gzip is detected from the content, a UTF-8
 * byte-order mark is dropped, and text that is not UTF-8 (a binary file) is an error naming the
 * line rather than garbage. Every error is a {@link DataFormatException} with the file and line.
 */
public final class PuzzleFile implements Iterator<PuzzleCsv.Row>, Closeable {
    private static final char BYTE_ORDER_MARK = '\uFEFF';
    /** What the decoder puts where the bytes are not UTF-8. */
    private static final char NOT_UTF8 = '\uFFFD';
    /** Characters of the first line read (at most) to tell CSV from plain lines. */
    private static final int FIRST_LINE_LIMIT = 1 << 20;

    private final Path name;
    private final BufferedReader reader;
    private final CSVParser csv;
    private final Iterator<CSVRecord> records;
    private final Map<String, Integer> columns;
    private long line;
    private PuzzleCsv.Row next;

    private PuzzleFile(Path name, BufferedReader reader) throws IOException {
        this.name = name;
        this.reader = reader;
        reader.mark(FIRST_LINE_LIMIT);
        int first = reader.read();
        if (first != BYTE_ORDER_MARK) {
            reader.reset();
        }
        reader.mark(FIRST_LINE_LIMIT);
        String header = reader.readLine();
        reader.reset();
        if (header != null && isCsvHeader(header)) {
            CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
            this.csv = CSVParser.parse(reader, format);
            this.columns = csv.getHeaderMap();
            requireDistinct(name, csv.getHeaderNames());
            this.records = csv.iterator();
            this.line = 2;
        } else {
            if (header != null && looksLikeHeader(header)) {
                throw new DataFormatException(name, "1", "header has no '" + PuzzleCsv.QUESTION + "' column (found "
                        + List.of(header.split(",")) + "): a CSV of puzzles names its puzzle column '" + PuzzleCsv.QUESTION + "'");
            }
            this.csv = null;
            this.columns = null;
            this.records = null;
            this.line = 0;
        }
    }

    /** Column names separated by commas (no puzzle line has a comma): a CSV header without the question column. */
    private static boolean looksLikeHeader(String line) {
        if (!line.contains(",")) {
            return false;
        }
        for (String field : line.split(",", -1)) {
            if (!field.trim().replace("\"", "").matches("[A-Za-z_][A-Za-z0-9_ .-]*")) {
                return false;
            }
        }
        return true;
    }

    /** A column named twice would be read from one of its places, silently. */
    private static void requireDistinct(Path name, List<String> header) {
        Set<String> seen = new HashSet<>();
        for (String column : header) {
            if (!column.isEmpty() && !seen.add(column)) {
                throw new DataFormatException(name, "1", "header names '" + column + "' twice");
            }
        }
    }

    /** A first line with a {@code question} field (quoted or not) starts a CSV set; a puzzle line never does. */
    private static boolean isCsvHeader(String line) {
        for (String field : line.split(",")) {
            if (field.trim().replace("\"", "").equals(PuzzleCsv.QUESTION)) {
                return true;
            }
        }
        return false;
    }

    /** Opens a file; a missing, unreadable or directory path is a clear error. */
    public static PuzzleFile open(Path file) {
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file, "", "is a directory, not a file of puzzles");
        }
        try {
            return new PuzzleFile(file, new BufferedReader(strictUtf8(PuzzleCsv.open(file))));
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, "", "no such file", e);
        } catch (AccessDeniedException e) {
            throw new DataFormatException(file, "", "cannot read it (permission denied)", e);
        } catch (IOException e) {
            throw new DataFormatException(file, "", "cannot read it: " + e.getMessage(), e);
        }
    }

    /** Reads puzzles from a stream (standard input) under a name for messages. */
    public static PuzzleFile of(String name, InputStream in) {
        try {
            return new PuzzleFile(Path.of(name), new BufferedReader(strictUtf8(in)));
        } catch (IOException e) {
            throw new DataFormatException(Path.of(name), "", "cannot read it: " + e.getMessage(), e);
        }
    }

    /**
     * UTF-8 with bytes that are not UTF-8 decoded as U+FFFD, which each row is then checked for: a
     * strict decoder would fail while reading ahead, at the wrong line.
     */
    private static Reader strictUtf8(InputStream in) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new InputStreamReader(in, utf8);
    }

    private PuzzleCsv.Row requireText(PuzzleCsv.Row r) {
        if (r.question().indexOf(NOT_UTF8) >= 0) {
            throw notText(name, Long.toString(r.line()));
        }
        return r;
    }

    private static DataFormatException notText(Path file, String line) {
        return new DataFormatException(file, line, "not UTF-8 text (a binary or differently encoded file?)");
    }

    /** Whether the file is CSV with a header (else one puzzle per line). */
    public boolean isCsv() {
        return csv != null;
    }

    /** Whether each row carries its answer (a CSV with an {@code answer} column). */
    public boolean hasAnswers() {
        return columns != null && columns.containsKey(PuzzleCsv.ANSWER);
    }

    /** The CSV header's columns (empty for plain lines). */
    public Map<String, Integer> columns() {
        return columns == null ? Map.of() : columns;
    }

    public Path name() {
        return name;
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = csv != null ? nextRecord() : nextLine();
        }
        return next != null;
    }

    @Override
    public PuzzleCsv.Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        PuzzleCsv.Row r = next;
        next = null;
        return r;
    }

    private PuzzleCsv.Row nextLine() {
        try {
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                if (!text.trim().isEmpty()) {
                    // as written, not trimmed: a maze line may start or end with open cells (spaces)
                    return requireText(new PuzzleCsv.Row(line, "", text, "", ""));
                }
            }
            return null;
        } catch (IOException e) {
            throw new DataFormatException(name, Long.toString(line + 1), "cannot read it: " + e.getMessage(), e);
        }
    }

    private PuzzleCsv.Row nextRecord() {
        if (!columns.containsKey(PuzzleCsv.QUESTION)) {
            throw new DataFormatException(name, "1", "header has no '" + PuzzleCsv.QUESTION + "' column (found " + columns.keySet() + ")");
        }
        try {
            if (!records.hasNext()) {
                return null;
            }
            CSVRecord rec = records.next();
            for (String value : rec.values()) {
                if (value.indexOf(NOT_UTF8) >= 0) {
                    throw notText(name, Long.toString(line));
                }
            }
            if (!rec.isConsistent()) {
                throw new DataFormatException(name, Long.toString(line), "has " + rec.size() + " fields, the header has " + columns.size());
            }
            PuzzleCsv.Row row = new PuzzleCsv.Row(line, field(rec, PuzzleCsv.SOURCE), rec.get(PuzzleCsv.QUESTION),
                    field(rec, PuzzleCsv.ANSWER), field(rec, PuzzleCsv.RATING));
            line = csv.getCurrentLineNumber() + 1;
            return row;
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new DataFormatException(name, Long.toString(line), "malformed CSV: " + rootCause(e).getMessage(), e);
        }
    }

    private static String field(CSVRecord rec, String column) {
        return rec.isMapped(column) && rec.isSet(column) ? rec.get(column) : "";
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void close() {
        try {
            if (csv != null) {
                csv.close();
            }
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
