package io.coldstream.learner;

import io.coldstream.model.Networks;
import io.coldstream.replay.ReplayBuffer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Pointer;

/**
 * The trainer's Micrometer meters, under the {@code coldstream.} prefix with the tags {@code run},
 * {@code source} and {@code policy} on every meter. Names follow Micrometer's conventions (dotted,
 * lower case, base units); a Prometheus registry renders them as {@code coldstream_step_seconds}
 * and so on.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>coldstream.examples.trained</td><td>counter</td><td>stream examples trained on</td></tr>
 *   <tr><td>coldstream.examples.rate</td><td>gauge</td><td>examples per second over the last progress interval</td></tr>
 *   <tr><td>coldstream.step</td><td>timer (p50, p95, p99)</td><td>one whole step: predict, replay, augment, fit, offer</td></tr>
 *   <tr><td>coldstream.loss</td><td>gauge</td><td>the last mini-batch loss</td></tr>
 *   <tr><td>coldstream.prequential.accuracy</td><td>gauge, tag window=all|recent</td><td>test-then-train accuracy</td></tr>
 *   <tr><td>coldstream.holdout.accuracy</td><td>gauge</td><td>the latest holdout accuracy</td></tr>
 *   <tr><td>coldstream.holdout.duration</td><td>timer</td><td>time of one holdout evaluation</td></tr>
 *   <tr><td>coldstream.replay.entries / .capacity / .bytes / .budget</td><td>gauges</td><td>buffer fill (bytes in base unit)</td></tr>
 *   <tr><td>coldstream.replay.class.entries</td><td>gauge, tag class</td><td>entries per class</td></tr>
 *   <tr><td>coldstream.replay.stored.bytes</td><td>gauge, tags kind=payload|bookkeeping|fixed, codec</td><td>where the buffer's bytes go</td></tr>
 *   <tr><td>coldstream.replay.entry.bytes</td><td>gauge, tag codec</td><td>bytes one entry costs (payload + bookkeeping)</td></tr>
 *   <tr><td>coldstream.replay.evictions</td><td>function counter</td><td>entries evicted</td></tr>
 *   <tr><td>coldstream.checkpoint.duration</td><td>timer</td><td>writing one checkpoint</td></tr>
 *   <tr><td>coldstream.bad.records</td><td>counter, tag reason</td><td>malformed records skipped</td></tr>
 *   <tr><td>coldstream.steps.skipped</td><td>counter, tag reason</td><td>steps not applied (reason non-finite-loss)</td></tr>
 *   <tr><td>coldstream.source.lag</td><td>gauge</td><td>examples known to be waiting in the source (file: not yet read)</td></tr>
 *   <tr><td>coldstream.snapshot.version</td><td>gauge</td><td>number of the newest published snapshot</td></tr>
 *   <tr><td>coldstream.snapshot.age</td><td>time gauge</td><td>seconds since the newest snapshot was published</td></tr>
 *   <tr><td>coldstream.process.resident</td><td>gauge</td><td>resident memory of the process, bytes</td></tr>
 *   <tr><td>coldstream.networks.open</td><td>gauge</td><td>networks open: each holds its parameters' and optimiser's
 *     native memory, which neither ND4J 1.0.0-M2.1 on CPU nor libtorch counts where Java can read it</td></tr>
 * </table>
 *
 * Plus Micrometer's JVM binders (memory, GC, threads, class loading) and processor metrics.
 * Updated by the training thread; read by any thread (gauges read volatile fields).
 */
public final class TrainerMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    private final Clock clock;
    private final Counter examples;
    private final Timer step;
    private final Timer holdoutDuration;
    private final Timer checkpointDuration;
    private final ConcurrentHashMap<String, Counter> badRecords = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> skippedSteps = new ConcurrentHashMap<>();
    private volatile double rate = Double.NaN;
    private volatile double loss = Double.NaN;
    private volatile double prequential = Double.NaN;
    private volatile double recent = Double.NaN;
    private volatile double holdout = Double.NaN;
    private volatile double lag = Double.NaN;
    private volatile long snapshotVersion;
    private volatile long snapshotAtMillis = -1;

    /**
     * @param registry where the meters go
     * @param run the run's name, such as its output folder's name
     * @param source the source kind, such as {@code idx}
     * @param policy the replay eviction policy's name
     * @param clock for the snapshot age
     */
    public TrainerMetrics(MeterRegistry registry, String run, String source, String policy, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.tags = Tags.of("run", run, "source", source, "policy", policy);
        this.examples = Counter.builder("coldstream.examples.trained").description("stream examples trained on")
                .baseUnit("examples").tags(tags).register(registry);
        this.step = Timer.builder("coldstream.step")
                .description("one training step: predict, replay sample, augment, fit, offer")
                .publishPercentiles(0.5, 0.95, 0.99).tags(tags).register(registry);
        this.holdoutDuration = Timer.builder("coldstream.holdout.duration")
                .description("one holdout evaluation").tags(tags).register(registry);
        this.checkpointDuration = Timer.builder("coldstream.checkpoint.duration")
                .description("writing one checkpoint, off the training thread").tags(tags).register(registry);
        Gauge.builder("coldstream.examples.rate", this, m -> m.rate).description("examples per second, recent")
                .baseUnit("examples").tags(tags).register(registry);
        Gauge.builder("coldstream.loss", this, m -> m.loss).description("last mini-batch loss").tags(tags)
                .register(registry);
        Gauge.builder("coldstream.prequential.accuracy", this, m -> m.prequential)
                .description("test-then-train accuracy").tags(tags).tag("window", "all").register(registry);
        Gauge.builder("coldstream.prequential.accuracy", this, m -> m.recent)
                .description("test-then-train accuracy").tags(tags).tag("window", "recent").register(registry);
        Gauge.builder("coldstream.holdout.accuracy", this, m -> m.holdout).description("latest holdout accuracy")
                .tags(tags).register(registry);
        Gauge.builder("coldstream.source.lag", this, m -> m.lag).description("examples waiting in the source")
                .baseUnit("examples").tags(tags).register(registry);
        Gauge.builder("coldstream.snapshot.version", this, m -> m.snapshotVersion)
                .description("number of the newest published snapshot").tags(tags).register(registry);
        TimeGauge.builder("coldstream.snapshot.age", this, TimeUnit.MILLISECONDS,
                m -> m.snapshotAtMillis < 0 ? Double.NaN : m.clock.millis() - m.snapshotAtMillis)
                .description("time since the newest snapshot was published").tags(tags).register(registry);
        Gauge.builder("coldstream.process.resident", Pointer::physicalBytes)
                .description("resident memory of the process, as JavaCPP reads it from the OS").baseUnit("bytes")
                .tags(tags).register(registry);
        Gauge.builder("coldstream.networks.open", Networks::open)
                .description("networks open in this process (the trainer's, copies being written, snapshots)")
                .tags(tags).register(registry);
        new JvmMemoryMetrics(tags).bindTo(registry);
        new JvmGcMetrics(tags).bindTo(registry);
        new JvmThreadMetrics(tags).bindTo(registry);
        new ClassLoaderMetrics(tags).bindTo(registry);
        new ProcessorMetrics(tags).bindTo(registry);
    }

    /**
     * Registers the buffer's gauges.
     *
     * @param replay the run's replay buffer
     */
    public void bindReplay(ReplayBuffer replay) {
        Gauge.builder("coldstream.replay.entries", replay, ReplayBuffer::size).description("entries held")
                .baseUnit("entries").tags(tags).register(registry);
        Gauge.builder("coldstream.replay.capacity", replay, ReplayBuffer::capacity)
                .description("entries the budget allows").baseUnit("entries").tags(tags).register(registry);
        Gauge.builder("coldstream.replay.bytes", replay, ReplayBuffer::bytesUsed).description("bytes used")
                .baseUnit("bytes").tags(tags).register(registry);
        Gauge.builder("coldstream.replay.budget", replay, ReplayBuffer::budgetBytes).description("byte budget")
                .baseUnit("bytes").tags(tags).register(registry);
        String codec = replay.codec().cliName();
        long payload = replay.payloadBytesPerEntry();
        long bookkeeping = replay.bytesPerEntry() - payload;
        Gauge.builder("coldstream.replay.stored.bytes", replay, r -> (double) r.size() * payload)
                .description("replay bytes by kind: entries' payloads (off the heap), their bookkeeping, fixed")
                .baseUnit("bytes").tags(tags).tag("kind", "payload").tag("codec", codec).register(registry);
        Gauge.builder("coldstream.replay.stored.bytes", replay, r -> (double) r.size() * bookkeeping)
                .description("replay bytes by kind: entries' payloads (off the heap), their bookkeeping, fixed")
                .baseUnit("bytes").tags(tags).tag("kind", "bookkeeping").tag("codec", codec).register(registry);
        Gauge.builder("coldstream.replay.stored.bytes", replay, ReplayBuffer::fixedBytes)
                .description("replay bytes by kind: entries' payloads (off the heap), their bookkeeping, fixed")
                .baseUnit("bytes").tags(tags).tag("kind", "fixed").tag("codec", codec).register(registry);
        Gauge.builder("coldstream.replay.entry.bytes", replay, ReplayBuffer::bytesPerEntry)
                .description("bytes one entry costs: payload in its codec plus bookkeeping").baseUnit("bytes")
                .tags(tags).tag("codec", codec).register(registry);
        FunctionCounter.builder("coldstream.replay.evictions", replay, ReplayBuffer::evictions)
                .description("entries evicted").baseUnit("entries").tags(tags).register(registry);
        for (int c = 0; c < replay.numClasses(); c++) {
            int label = c;
            Gauge.builder("coldstream.replay.class.entries", replay, r -> r.classCount(label))
                    .description("entries per class").baseUnit("entries").tags(tags).tag("class", Integer.toString(c))
                    .register(registry);
        }
    }

    /**
     * Sets the source's lag, read by the {@code coldstream.source.lag} gauge. Called by the training
     * thread, which alone may ask its source (sources are not thread-safe).
     *
     * @param waiting examples known to be waiting, or a negative value when unknown
     */
    public void sourceLag(long waiting) {
        lag = waiting < 0 ? Double.NaN : waiting;
    }

    /**
     * Records one finished step.
     *
     * @param nanos its duration
     * @param lastLoss its mini-batch loss
     */
    public void step(long nanos, double lastLoss) {
        step.record(nanos, TimeUnit.NANOSECONDS);
        examples.increment();
        loss = lastLoss;
    }

    /**
     * @param overall prequential accuracy so far
     * @param window prequential accuracy over the recent window
     * @param examplesPerSecond the recent rate
     */
    public void progress(double overall, double window, double examplesPerSecond) {
        prequential = overall;
        recent = window;
        rate = examplesPerSecond;
    }

    /**
     * @param accuracy the evaluation's accuracy
     * @param nanos its duration
     */
    public void holdout(double accuracy, long nanos) {
        holdout = accuracy;
        holdoutDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** @param nanos how long writing one checkpoint took */
    public void checkpoint(long nanos) {
        checkpointDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** @param version the published version's number */
    public void snapshot(long version) {
        snapshotVersion = version;
        snapshotAtMillis = clock.millis();
    }

    /** @param reason why a record was skipped */
    public void badRecord(String reason) {
        badRecords(reason, 1);
    }

    /**
     * @param reason why records were skipped
     * @param n how many more
     */
    public void badRecords(String reason, long n) {
        badRecords.computeIfAbsent(reason, r -> Counter.builder("coldstream.bad.records")
                .description("malformed records skipped").tags(tags).tag("reason", r).register(registry))
                .increment(n);
    }

    /**
     * @param reason why steps were not applied ({@code non-finite-loss})
     * @param n how many more
     */
    public void skippedSteps(String reason, long n) {
        skippedSteps.computeIfAbsent(reason, r -> Counter.builder("coldstream.steps.skipped")
                .description("training steps whose update was not applied").tags(tags).tag("reason", r)
                .register(registry)).increment(n);
    }

    /**
     * Carries the counts of a resumed run's checkpoint into the counters, so that they count the
     * whole run, not the time since the resume.
     *
     * @param examplesTrained examples trained on before the resume
     */
    public void resumeFrom(long examplesTrained) {
        examples.increment(examplesTrained);
    }

    /** @return the step timer, for the metrics log */
    public Timer stepTimer() {
        return step;
    }

    /** @return the registry the meters are in */
    public MeterRegistry registry() {
        return registry;
    }
}
