package dev.trm.plot;

import dev.trm.data.AtomicFile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A PNG of two line-chart panels side by side sharing an x axis: a run's learning curve (loss,
 * held-out accuracies), the accuracy-against-compute sweep, the benchmark's speed-ups. Drawn with
 * the JDK's own Java2D, headless.
 */
public final class LinePlot {
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 420;
    private static final int MARGIN = 55;
    private static final int TOP = 40;
    private static final int TICKS = 4;
    /** Series with fewer points than this get a dot at each point. */
    private static final int DOTTED_BELOW = 60;
    private static final Color GRID = new Color(0xdddddd);
    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b)};

    /** One point of a series. */
    public record Point(double x, double y) {
    }

    /** One named line of points. */
    public record Series(String name, List<Point> points) {
        public Series(String name) {
            this(name, new ArrayList<>());
        }

        public void add(double x, double y) {
            points.add(new Point(x, y));
        }
    }

    /** A panel's value ranges and its place on the image. */
    private record Frame(int x0, int width, int height, double minX, double maxX, double minY, double maxY) {
        int px(double x) {
            return x0 + (int) ((x - minX) / (maxX - minX) * width);
        }

        int py(double y) {
            return TOP + height - (int) ((y - minY) / (maxY - minY) * height);
        }
    }

    private LinePlot() {
    }

    /** Two panels over training steps. */
    public static void write(Path file, String title, List<Series> left, String leftLabel, List<Series> right,
                             String rightLabel) throws IOException {
        write(file, title, "step", left, leftLabel, right, rightLabel);
    }

    /** Two panels sharing an x axis named {@code xLabel}; the right one spans 0..1 (accuracies). */
    public static void write(Path file, String title, String xLabel, List<Series> left, String leftLabel, List<Series> right,
                             String rightLabel) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, MARGIN, 22);
        int panel = (WIDTH - 3 * MARGIN) / 2;
        plot(g, MARGIN, panel, left, leftLabel, xLabel, false);
        plot(g, 2 * MARGIN + panel, panel, right, rightLabel, xLabel, true);
        g.dispose();
        AtomicFile.write(file, out -> ImageIO.write(img, "png", out));
    }

    private static void plot(Graphics2D g, int x0, int w, List<Series> series, String label, String xLabel, boolean unitRange) {
        int h = HEIGHT - TOP - MARGIN;
        g.setColor(Color.BLACK);
        g.drawRect(x0, TOP, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(label, x0, TOP - 6);
        Frame f = frame(x0, w, h, series, unitRange);
        if (f == null) {
            return; // no points
        }
        axes(g, f, xLabel);
        g.setStroke(new BasicStroke(1.6f));
        for (int i = 0; i < series.size(); i++) {
            g.setColor(COLOURS[i % COLOURS.length]);
            line(g, f, series.get(i));
            g.drawString(series.get(i).name(), x0 + 8, TOP + 14 * (i + 1));
        }
    }

    /** The ranges of the finite points (y 0..1 for a unit-range panel); null when there are none. */
    private static Frame frame(int x0, int w, int h, List<Series> series, boolean unitRange) {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = unitRange ? 0 : Double.MAX_VALUE;
        double maxY = unitRange ? 1 : -Double.MAX_VALUE;
        for (Series s : series) {
            for (Point p : s.points()) {
                minX = Math.min(minX, p.x());
                maxX = Math.max(maxX, p.x());
                if (!unitRange && Double.isFinite(p.y())) {
                    minY = Math.min(minY, p.y());
                    maxY = Math.max(maxY, p.y());
                }
            }
        }
        if (minX > maxX) {
            return null;
        }
        return new Frame(x0, w, h, minX, maxX == minX ? minX + 1 : maxX, minY, maxY <= minY ? minY + 1 : maxY);
    }

    private static void axes(Graphics2D g, Frame f, String xLabel) {
        for (int k = 0; k <= TICKS; k++) {
            double yv = f.minY() + (f.maxY() - f.minY()) * k / TICKS;
            int py = f.py(yv);
            g.setColor(GRID);
            g.drawLine(f.x0(), py, f.x0() + f.width(), py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.2f", yv), f.x0() - 40, py + 4);
            double xv = f.minX() + (f.maxX() - f.minX()) * k / TICKS;
            g.drawString(String.format("%.0f", xv), f.x0() + (int) (f.width() * k / (double) TICKS) - 10, TOP + f.height() + 15);
        }
        g.drawString(xLabel, f.x0() + f.width() / 2 - 10, TOP + f.height() + 30);
    }

    /** A series as a line through its finite points, with dots where it has few. */
    private static void line(Graphics2D g, Frame f, Series s) {
        int[] prev = null;
        for (Point p : s.points()) {
            if (!Double.isFinite(p.y())) {
                continue;
            }
            int px = f.px(p.x());
            int py = f.py(p.y());
            if (prev != null) {
                g.drawLine(prev[0], prev[1], px, py);
            }
            if (s.points().size() < DOTTED_BELOW) {
                g.fillOval(px - 2, py - 2, 5, 5);
            }
            prev = new int[] {px, py};
        }
    }
}
