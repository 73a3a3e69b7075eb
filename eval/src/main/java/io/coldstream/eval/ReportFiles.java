package io.coldstream.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The files a report wrote: {@link RunReport#write(Path)} into a run's {@code report/} folder,
 * {@link BenchReport#write(Path)} and {@link EvalReport#write(Path)} into theirs.
 *
 * @param summary the Markdown summary: {@code <runDir>/report/summary.md}, {@code bench.md} or {@code eval.md}
 * @param plots the PNG plots, in the order the summary shows them; never empty
 */
public record ReportFiles(Path summary, List<Path> plots) {

    /** Rejects nulls and an empty plot list; copies the list. */
    public ReportFiles {
        Objects.requireNonNull(summary, "summary");
        plots = List.copyOf(Objects.requireNonNull(plots, "plots"));
        if (plots.isEmpty()) {
            throw new IllegalArgumentException("a report was written with no plots but it always has at least one");
        }
    }
}
