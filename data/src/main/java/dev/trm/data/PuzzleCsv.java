package dev.trm.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

/**
 * The HRM CSV layout {@code source,question,answer,rating}, plain or gzip (detected from the
 * content). {@code question} and {@code answer} are required columns; {@code source} and
 * {@code rating} may be missing or empty.
 */
public final class PuzzleCsv {
    public static final String SOURCE = "source";
    public static final String QUESTION = "question";
    public static final String ANSWER = "answer";
    public static final String RATING = "rating";
    private static final String[] HEADER = {SOURCE, QUESTION, ANSWER, RATING};
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    /**
     * One row as text. {@code line} is the 1-based line of the file where the row starts (the
     * header is line 1).
     */
    public record Row(long line, String source, String question, String answer, String rating) {
    }

    private PuzzleCsv() {
    }

    /**
     * Reads every row of a labelled set (a header with {@code question} and {@code answer} columns);
     * a malformed row is an error naming its line, never skipped.
     */
    public static List<Row> read(Path file) {
        try (PuzzleFile in = PuzzleFile.open(file)) {
            for (String required : new String[] {QUESTION, ANSWER}) {
                if (!in.columns().containsKey(required)) {
                    throw new DataFormatException(file, "1", "header has no '" + required + "' column (found "
                            + in.columns().keySet() + ", expected " + String.join(",", HEADER) + ")");
                }
            }
            List<Row> rows = new ArrayList<>();
            in.forEachRemaining(rows::add);
            return rows;
        }
    }

    /** Opens a file, un-gzipping it when it starts with the gzip magic bytes. */
    static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file));
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1 ? new GZIPInputStream(in) : in;
    }

    /** Writes rows atomically; gzip when the file name ends in {@code .gz}. */
    public static void write(Path file, List<Row> rows) throws IOException {
        boolean gzip = file.getFileName().toString().endsWith(".gz");
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(HEADER).setQuoteMode(QuoteMode.MINIMAL)
                .setRecordSeparator("\n").get();
        AtomicFile.write(file, out -> {
            OutputStream sink = gzip ? new GZIPOutputStream(out) : out;
            Writer writer = new OutputStreamWriter(sink, StandardCharsets.UTF_8);
            try (CSVPrinter printer = new CSVPrinter(writer, format)) {
                for (Row r : rows) {
                    printer.printRecord(r.source(), r.question(), r.answer(), r.rating());
                }
            }
        });
    }
}
