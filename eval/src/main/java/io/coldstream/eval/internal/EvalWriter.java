package io.coldstream.eval.internal;

import io.coldstream.core.ColdstreamException;
import io.coldstream.eval.ConfusionMatrix;
import io.coldstream.eval.EvalReport;
import io.coldstream.eval.ReportFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes a snapshot evaluation's folder; {@link EvalReport#write(Path)} is its public face. */
public final class EvalWriter {

    /** More classes than this and {@code eval.md} leaves the matrix to the plot alone. */
    static final int MAX_TABLE_CLASSES = 20;

    private static final String NONE = "—";

    private EvalWriter() {
    }

    /**
     * @param report the evaluation
     * @param dir the folder, created if needed
     * @return {@code eval.md} and {@code confusion.png}
     * @throws ColdstreamException when a file cannot be written
     */
    public static ReportFiles write(EvalReport report, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ColdstreamException("could not create the evaluation folder " + dir + ": " + e, e);
        }
        Path png = dir.resolve(EvalReport.CONFUSION_FILE);
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < report.confusion().numClasses(); c++) {
            labels.add(report.className(c));
        }
        String title = String.format(Locale.ROOT, "Confusion matrix: %s (top-1 %.4f on %d examples)", report.snapshot(),
                report.top1(), report.examples());
        try {
            ReportWriter.replace(png, ConfusionPlot.png(report.confusion(), labels, title));
        } catch (IOException e) {
            throw new ColdstreamException("could not encode the plot " + png + " as PNG: " + e, e);
        }
        ReportWriter.replace(dir.resolve(EvalReport.JSON_FILE), report.toJson().getBytes(StandardCharsets.UTF_8));
        Path md = dir.resolve(EvalReport.MARKDOWN_FILE);
        ReportWriter.replace(md, markdown(report).getBytes(StandardCharsets.UTF_8));
        return new ReportFiles(md, List.of(png));
    }

    /** @return {@code eval.md} */
    static String markdown(EvalReport report) {
        ConfusionMatrix m = report.confusion();
        StringBuilder md = new StringBuilder();
        md.append("# Snapshot evaluation: ").append(escape(report.snapshot())).append("\n\n");
        md.append("| figure | value |\n|---|---:|\n");
        md.append("| snapshot | ").append(escape(report.snapshot())).append(" |\n");
        md.append("| trained on | ").append(report.snapshotExamplesSeen() < 0 ? NONE
                : report.snapshotExamplesSeen() + " stream examples").append(" |\n");
        md.append("| dataset | ").append(escape(report.dataset())).append(" (test split) |\n");
        md.append("| test examples | ").append(report.examples()).append(" |\n");
        md.append("| top-1 accuracy | ").append(fraction(report.top1())).append(" |\n");
        md.append("| top-5 accuracy | ").append(fraction(report.top5())).append(" |\n");

        md.append("\n## Per class\n\n| class | name | examples | top-1 | most often mistaken for |\n"
                + "|---:|---|---:|---:|---|\n");
        List<Double> perClass = report.perClassTop1();
        for (int c = 0; c < m.numClasses(); c++) {
            int mistake = -1;
            for (int p = 0; p < m.numClasses(); p++) {
                if (p != c && m.count(c, p) > 0 && (mistake < 0 || m.count(c, p) > m.count(c, mistake))) {
                    mistake = p;
                }
            }
            md.append("| ").append(c).append(" | ")
                    .append(report.classNames().isEmpty() ? NONE : escape(report.className(c))).append(" | ")
                    .append(m.actualTotal(c)).append(" | ").append(fraction(perClass.get(c))).append(" | ")
                    .append(mistake < 0 ? NONE : escape(label(report, mistake)) + " (" + m.count(c, mistake) + ")")
                    .append(" |\n");
        }

        md.append("\n## Confusion matrix\n\n");
        if (m.numClasses() <= MAX_TABLE_CLASSES) {
            md.append("Rows: true class; columns: predicted class; counts of test examples.\n\n| true \\\\ predicted |");
            for (int p = 0; p < m.numClasses(); p++) {
                md.append(' ').append(p).append(" |");
            }
            md.append("\n|---|").append("---:|".repeat(m.numClasses())).append('\n');
            for (int a = 0; a < m.numClasses(); a++) {
                md.append("| ").append(escape(label(report, a))).append(" |");
                for (int p = 0; p < m.numClasses(); p++) {
                    md.append(' ').append(a == p ? "**" + m.count(a, p) + "**" : Integer.toString(m.count(a, p)))
                            .append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        }
        md.append("![Confusion matrix](").append(EvalReport.CONFUSION_FILE).append(")\n");
        return md.toString();
    }

    private static String label(EvalReport report, int c) {
        return report.classNames().isEmpty() ? Integer.toString(c) : c + " " + report.className(c);
    }

    private static String fraction(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : NONE;
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace('\n', ' ').replace('\r', ' ');
    }
}
