package dev.trm.train;

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

/** A PNG of a run: training loss (left) and evaluation accuracies (right) against the step. */
public final class LearningCurve {
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 420;
    private static final int MARGIN = 55;
    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b)};

    /** One named line of (x, y) points. */
    public record Series(String name, List<double[]> points) {
        public Series(String name) {
            this(name, new ArrayList<>());
        }

        public void add(double x, double y) {
            points.add(new double[] {x, y});
        }
    }

    private LearningCurve() {
    }

    /** Two panels over training steps. */
    public static void write(Path file, String title, List<Series> left, String leftLabel, List<Series> right,
                             String rightLabel) throws IOException {
        write(file, title, "step", left, leftLabel, right, rightLabel);
    }

    /** Two panels sharing an x axis named {@code xLabel}. */
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
        int top = 40;
        int h = HEIGHT - top - MARGIN;
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = unitRange ? 0 : Double.MAX_VALUE;
        double maxY = unitRange ? 1 : -Double.MAX_VALUE;
        for (Series s : series) {
            for (double[] p : s.points()) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                if (!unitRange && Double.isFinite(p[1])) {
                    minY = Math.min(minY, p[1]);
                    maxY = Math.max(maxY, p[1]);
                }
            }
        }
        g.setColor(Color.BLACK);
        g.drawRect(x0, top, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(label, x0, top - 6);
        if (minX > maxX) {
            return;
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        if (maxY <= minY) {
            maxY = minY + 1;
        }
        for (int k = 0; k <= 4; k++) {
            double yv = minY + (maxY - minY) * k / 4;
            int py = top + h - (int) (h * k / 4.0);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x0, py, x0 + w, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.2f", yv), x0 - 40, py + 4);
            double xv = minX + (maxX - minX) * k / 4;
            g.drawString(String.format("%.0f", xv), x0 + (int) (w * k / 4.0) - 10, top + h + 15);
        }
        g.drawString(xLabel, x0 + w / 2 - 10, top + h + 30);
        g.setStroke(new BasicStroke(1.6f));
        int legendY = top + 14;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            g.setColor(COLOURS[i % COLOURS.length]);
            int[] prev = null;
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[1])) {
                    continue;
                }
                int px = x0 + (int) ((p[0] - minX) / (maxX - minX) * w);
                int py = top + h - (int) ((p[1] - minY) / (maxY - minY) * h);
                if (prev != null) {
                    g.drawLine(prev[0], prev[1], px, py);
                }
                if (s.points().size() < 60) {
                    g.fillOval(px - 2, py - 2, 5, 5);
                }
                prev = new int[] {px, py};
            }
            g.drawString(s.name(), x0 + 8, legendY);
            legendY += 14;
        }
    }
}
