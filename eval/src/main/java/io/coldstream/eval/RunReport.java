package io.coldstream.eval;

import io.coldstream.eval.internal.ReportWriter;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The report of a training run: PNG plots and a Markdown summary in {@code <runDir>/report/}, built
 * from the metrics log that the trainer writes ({@code <runDir>/metrics.jsonl}) and, when present, its
 * results file ({@code <runDir>/results.json}).
 *
 * <p>The plots (900 x 500 pixels, x axis = stream examples seen):
 * <ul>
 *   <li>{@code accuracy.png}: prequential (test-then-train) and windowed accuracy as lines, holdout
 *       evaluations as markers, y in [0, 1];</li>
 *   <li>{@code loss.png}: mean mini-batch loss of each metrics interval;</li>
 *   <li>{@code throughput.png}: training rate in examples per second;</li>
 *   <li>{@code replay-classes.png}: replay buffer entries per class, one line per class;</li>
 *   <li>{@code memory.png}: JVM heap used and off-heap memory in MiB.</li>
 * </ul>
 * {@code summary.md} holds a table of the key figures (from {@code results.json} when present, otherwise
 * from the last metrics line), a table of the holdout evaluations, the configuration flattened to
 * {@code replay.budget: 16MB} lines (when {@code results.json} has it) and links to the plots.
 *
 * <p>Reading the log: each line is one JSON object; keys this version does not know, and lines whose
 * {@code kind} is not {@code interval}, {@code holdout} or {@code final}, are ignored (forward
 * compatibility); a {@code null} or absent number leaves that line out of that plot only.
 *
 * <p>Rendering runs headless: unless the JVM was started with {@code java.awt.headless} set, this class
 * sets it to {@code true} before it draws.
 *
 * <p>Not thread-safe: do not build the report of one run folder from two threads or processes at once.
 */
public final class RunReport {

    private RunReport() {
    }

    /**
     * Reads the run's metrics, draws the plots and writes the summary. Idempotent: a second call
     * overwrites the files of the first. Each file is written under a temporary name in
     * {@code report/} and then renamed, so a half-written file is never left under its real name.
     *
     * @param runDir the folder a training run wrote ({@code --out})
     * @return the summary and the plots written
     * @throws io.coldstream.core.DataException when the folder or its {@code metrics.jsonl} is missing or
     *     empty, when a line of it is malformed (the message names the file and line number), when
     *     {@code results.json} is malformed
     * @throws io.coldstream.core.ColdstreamException when the report folder or a file in it cannot be written
     */
    public static ReportFiles write(Path runDir) {
        Objects.requireNonNull(runDir, "runDir");
        return ReportWriter.write(runDir);
    }
}
