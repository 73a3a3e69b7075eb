package io.coldstream.cli;

import io.coldstream.eval.HoldoutResult;
import io.coldstream.eval.RunResults;
import io.coldstream.learner.Progress;
import io.coldstream.learner.TrainerListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows training progress: on a terminal a progress bar with rate and ETA, rewritten in place;
 * otherwise (CI, log files) a plain line every ten seconds. Events (holdout evaluations, snapshots) get lines of their own.
 */
final class ConsoleProgress implements TrainerListener {

    private static final double PLAIN_INTERVAL_SECONDS = 10;

    private final PrintWriter out;
    private final boolean terminal;
    private double lastPlain = -PLAIN_INTERVAL_SECONDS;
    private boolean lineOpen;

    ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void onStart(String description) {
        out.println(description);
        out.flush();
    }

    @Override
    public void onProgress(Progress p) {
        String line = format(p);
        if (terminal) {
            line = bar(p) + line;
            out.print("\r" + line + "\033[K");
            lineOpen = true;
        } else if (p.elapsedSeconds() - lastPlain >= PLAIN_INTERVAL_SECONDS || p.examplesSeen() == p.total()) {
            out.println(line);
            lastPlain = p.elapsedSeconds();
        }
        out.flush();
    }

    @Override
    public void onHoldout(long examplesSeen, HoldoutResult result) {
        event(String.format(Locale.ROOT, "holdout at %,d examples: accuracy %.4f (%d/%d)", examplesSeen,
                result.accuracy(), result.correct(), result.examples()));
    }

    @Override
    public void onSnapshot(String version, long examplesSeen) {
        event(String.format(Locale.ROOT, "snapshot %s queued at %,d examples", version, examplesSeen));
    }

    @Override
    public void onFinish(RunResults result) {
        if (!Double.isNaN(result.finalAccuracy())) { // a stopped run has no final evaluation
            event(String.format(Locale.ROOT, "final holdout accuracy %.4f on the whole test split",
                    result.finalAccuracy()));
        }
    }

    private void event(String text) {
        if (lineOpen) {
            out.print("\r\033[K");
            lineOpen = false;
        }
        out.println(text);
        out.flush();
    }

    private static final int BAR_WIDTH = 24;

    /** @return {@code [#######.................] } for a bounded stream, empty otherwise */
    static String bar(Progress p) {
        if (p.total() <= 0) {
            return "";
        }
        int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * p.examplesSeen() / p.total());
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] ";
    }

    static String format(Progress p) {
        StringBuilder s = new StringBuilder();
        if (p.total() > 0) {
            s.append(String.format(Locale.ROOT, "%,d/%,d (%.1f%%)", p.examplesSeen(), p.total(),
                    100.0 * p.examplesSeen() / p.total()));
        } else {
            s.append(String.format(Locale.ROOT, "%,d", p.examplesSeen()));
        }
        s.append(String.format(Locale.ROOT, "  %.1f ex/s  prequential %s (recent %s)  loss %.3f  replay %,d/%,d",
                p.examplesPerSecond(), percent(p.prequentialAccuracy()), percent(p.windowAccuracy()), p.loss(),
                p.replayEntries(), p.replayCapacity()));
        if (!Double.isNaN(p.decodeImagesPerSecond())) {
            s.append(String.format(Locale.ROOT, "  decode %,.0f img/s a thread", p.decodeImagesPerSecond()));
        }
        s.append("  ETA ").append(duration(p.etaSeconds()));
        return s.toString();
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }
}
