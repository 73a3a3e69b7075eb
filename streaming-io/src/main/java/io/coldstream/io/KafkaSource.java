package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import io.coldstream.core.DatasetNotFoundException;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link ExampleCodec} records from every partition of a Kafka topic, one example at a time:
 * an unbounded source, so {@code null} from {@link #next()} never means the end.
 *
 * <p>The source assigns itself all partitions the topic has when it is opened (manual assignment,
 * no group rebalancing) and starts each at its beginning, or just after a checkpointed offset
 * ({@link #seek(Map)}, the same as {@link #seekAfter}). Each returned example has the position
 * {@code StreamPosition(topic + "-" + partition, offset)}; within a partition offsets increase.
 * Partitions are interleaved as the consumer's polls return them. A record that does not decode
 * (a {@code null} value reads as an empty record) goes to the {@link BadRecordHandler} and is never
 * returned.
 *
 * <p>Exactly-once with checkpoints: the source never commits on its own
 * ({@code enable.auto.commit} is always {@code false}). A trainer saves the positions of the last
 * examples in a checkpoint, and once that checkpoint is durable calls {@link #commit} (when a
 * {@code group.id} is configured) so that the group's committed offsets match the saved model;
 * resuming calls {@link #seekAfter} with the checkpoint's positions.
 *
 * <p>Consumer settings pass through from {@code extra} (security, {@code max.poll.records},
 * {@code group.id}, ...). {@link #next()} polls into the consumer's batch and returns the next
 * decoded example; when nothing new arrives for {@code idle} it returns {@code null} (the trainer
 * loops and calls again).
 *
 * <p>Not thread-safe: one reading thread calls {@link #next()}, {@link #seek(Map)} or
 * {@link #seekAfter}, {@link #lastPositions()}, {@link #commit} and {@link #remaining()}. The exception is {@link #close()}, which any thread may
 * call to stop a waiting {@link #next()}: that call then returns {@code null} and the reading
 * thread releases the consumer on its way out.
 */
public final class KafkaSource implements ExampleSource {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    private static final long REMAINING_REFRESH_NANOS = 1_000_000_000L;
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_COMMIT_TIMEOUT = Duration.ofSeconds(10);
    private static final byte[] EMPTY = new byte[0];

    private final String bootstrapServers;
    private final String topic;
    private final ExampleCodec codec;
    private final BadRecordHandler handler;
    private final long idleNanos;
    private final String groupId;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition[] partitions;
    private final String[] partitionNames;
    /** Per partition: the offset of the next record to read, or -1 while that is "the beginning". */
    private final long[] nextOffset;
    /** Per partition: the offset of the last example returned or sought past, or -1 before any. */
    private final long[] lastExampleOffset;
    private final long[] beginOffset;
    private final long[] endOffset;
    private final ReaderGuard guard;
    private final KafkaOutage outage;
    private Iterator<ConsumerRecord<byte[], byte[]>> batch = Collections.emptyIterator();
    private long endsFetchedAt;
    private boolean endsKnown;
    private boolean started;
    private long examples;
    private boolean acceptLostRecords;
    private final List<String> acceptedLosses = new ArrayList<>();

    /**
     * Opens a consumer on every partition of {@code topic}, each positioned at its beginning.
     *
     * @param bootstrapServers {@code HOST:PORT[,HOST:PORT...]}; overrides any
     *     {@code bootstrap.servers} in {@code extra}
     * @param topic the topic; it must exist
     * @param codec decodes records, and gives {@link #shape()} and {@link #numClasses()}
     * @param handler receives every record that does not decode; not closed by this source
     * @param idle how long {@link #next()} waits with nothing new before returning {@code null};
     *     {@code null} waits until {@link #close()}
     * @param extra consumer settings passed through, or {@code null}; copied. {@code group.id}
     *     enables {@link #commit}
     * @throws ConfigurationException if {@code extra} sets {@code enable.auto.commit=true} or a
     *     deserializer other than the byte-array one, or the consumer rejects a setting
     * @throws DatasetNotFoundException if the topic does not exist
     * @throws DataException if the broker cannot be reached within 30 s
     */
    public KafkaSource(String bootstrapServers, String topic, ExampleCodec codec, BadRecordHandler handler,
            Duration idle, Properties extra) {
        this.bootstrapServers = KafkaSink.requireText(bootstrapServers, "bootstrapServers");
        this.topic = KafkaSink.requireText(topic, "topic");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.handler = Objects.requireNonNull(handler, "handler");
        if (idle != null && idle.isNegative()) {
            throw new IllegalArgumentException("idle was " + idle + " but must be >= 0 (or null to wait forever)");
        }
        this.idleNanos = idle == null ? -1 : ReaderGuard.saturatedNanos(idle);
        Properties props = consumerProperties(extra);
        String group = props.getProperty(ConsumerConfig.GROUP_ID_CONFIG);
        this.groupId = group == null || group.isBlank() ? null : group;
        try {
            this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            throw new ConfigurationException("could not create a Kafka consumer for kafka:" + this.bootstrapServers
                    + "/" + this.topic + ": " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause()
                    + ")"));
        }
        try {
            this.partitions = assignAll();
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        this.guard = new ReaderGuard(this::release, consumer::wakeup);
        int n = partitions.length;
        this.partitionNames = new String[n];
        for (int p = 0; p < n; p++) {
            partitionNames[p] = this.topic + "-" + p;
        }
        this.nextOffset = new long[n];
        Arrays.fill(nextOffset, -1);
        this.lastExampleOffset = new long[n];
        Arrays.fill(lastExampleOffset, -1);
        this.beginOffset = new long[n];
        this.endOffset = new long[n];
        this.outage = new KafkaOutage("kafka:" + this.bootstrapServers + "/" + this.topic);
    }

    private Properties consumerProperties(Properties extra) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (extra != null) {
            for (String name : extra.stringPropertyNames()) {
                props.setProperty(name, extra.getProperty(name));
            }
        }
        String autoCommit = props.getProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
        if (autoCommit != null && !autoCommit.strip().equalsIgnoreCase("false")) {
            throw new ConfigurationException(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG + " was '" + autoCommit
                    + "' but a Kafka source never auto-commits: offsets are committed only with a checkpoint"
                    + " (leave it out or set false)");
        }
        for (String key : List.of(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG)) {
            String value = props.getProperty(key);
            if (value != null && !value.strip().equals(ByteArrayDeserializer.class.getName())) {
                throw new ConfigurationException(key + " was '" + value + "' but a Kafka source reads byte arrays:"
                        + " leave it out or set " + ByteArrayDeserializer.class.getName());
            }
            props.remove(key);
        }
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    private TopicPartition[] assignAll() {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        } catch (KafkaException e) {
            throw new DataException("could not read the partitions of kafka:" + bootstrapServers + "/" + topic
                    + " within " + METADATA_TIMEOUT.toSeconds() + " s: " + e, e);
        }
        if (infos == null || infos.isEmpty()) {
            throw new DatasetNotFoundException("Kafka topic '" + topic + "' does not exist at " + bootstrapServers
                    + "; create it (or write to it with a sink) first");
        }
        TopicPartition[] result = new TopicPartition[infos.size()];
        for (PartitionInfo info : infos) {
            int p = info.partition();
            if (p < 0 || p >= result.length || result[p] != null) {
                throw new DataException("Kafka topic '" + topic + "' reported partitions " + infos
                        + " but they must be numbered 0 to " + (result.length - 1));
            }
            result[p] = new TopicPartition(topic, p);
        }
        List<TopicPartition> all = List.of(result);
        consumer.assign(all);
        consumer.seekToBeginning(all);
        return result;
    }

    /**
     * @return the next example that decodes, or {@code null} after {@code idle} with nothing new,
     *     or once closed
     * @throws DataException if the bad-record handler stops the stream ({@code fail} policy), or
     *     the consumer fails (broker unreachable is not a failure: it reads as nothing new, said in
     *     a WARN line once polls have stayed empty for 5 s and the broker does not answer a probe)
     */
    @Override
    public Example next() {
        if (!guard.enter()) {
            return null;
        }
        try {
            started = true;
            return read();
        } finally {
            guard.exit();
        }
    }

    private Example read() {
        long waitStart = System.nanoTime();
        while (guard.reading()) {
            while (batch.hasNext()) {
                ConsumerRecord<byte[], byte[]> record = batch.next();
                int p = record.partition();
                long offset = record.offset();
                nextOffset[p] = offset + 1;
                byte[] value = record.value() == null ? EMPTY : record.value();
                StreamPosition position = new StreamPosition(partitionNames[p], offset);
                try {
                    Example example = codec.decode(value, 0, value.length, position);
                    lastExampleOffset[p] = offset;
                    examples++;
                    return example;
                } catch (BadRecordException problem) {
                    handler.handle(value, 0, value.length, position, problem);
                    waitStart = System.nanoTime();
                }
            }
            long waited = System.nanoTime() - waitStart;
            if (idleNanos >= 0 && waited >= idleNanos) {
                return null;
            }
            long pollNanos = idleNanos < 0 ? Long.MAX_VALUE : idleNanos - waited;
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(Duration.ofNanos(Math.min(pollNanos, 1_000_000_000L)));
                if (!records.isEmpty()) {
                    batch = records.iterator();
                    outage.records();
                }
                afterPoll();
            } catch (WakeupException e) {
                return null;
            } catch (KafkaException e) {
                throw new DataException("could not read " + describe() + ": " + e, e);
            }
        }
        return null;
    }

    /**
     * Positions the source to resume from a checkpoint: each partition named in
     * {@code lastOffsets} (as {@code "topic-p"}) restarts strictly after its offset; partitions
     * absent from the map restart at their beginning. Call it on the reading thread, before the
     * first {@link #next()}.
     *
     * @param lastOffsets per partition name, the offset of the last example the checkpoint holds
     *     (each {@code >= 0})
     * @throws DataException if a name is not a partition of this topic (a checkpoint of another
     *     stream), or if a partition no longer holds the records after its offset (deleted by
     *     retention: the partition now begins after it; or the topic was recreated: it ends before
     *     it), naming the partition, the offsets and what to do
     * @throws IllegalStateException after the first {@link #next()}, or once closed
     */
    public void seekAfter(Map<String, Long> lastOffsets) {
        Objects.requireNonNull(lastOffsets, "lastOffsets");
        long[] after = resolve(lastOffsets, "resume");
        if (!guard.enter()) {
            throw new IllegalStateException("source " + describe() + " is closed");
        }
        try {
            if (started) {
                throw new IllegalStateException("seekAfter must come before the first next() of " + describe());
            }
            requireOffsetsStillThere(after);
            List<TopicPartition> fromStart = new ArrayList<>();
            for (int p = 0; p < partitions.length; p++) {
                if (after[p] < 0) {
                    fromStart.add(partitions[p]);
                    nextOffset[p] = -1;
                } else {
                    consumer.seek(partitions[p], after[p] + 1);
                    nextOffset[p] = after[p] + 1;
                }
                lastExampleOffset[p] = after[p];
            }
            if (!fromStart.isEmpty()) {
                // an empty list would mean "every assigned partition" to Kafka, undoing the seeks above
                consumer.seekToBeginning(fromStart);
            }
            batch = Collections.emptyIterator();
            endsKnown = false;
        } finally {
            guard.exit();
        }
    }

    /**
     * The same as {@link #seekAfter}.
     *
     * @param lastIncluded per partition name ({@code "topic-p"}), the offset of the last example
     *     the checkpoint holds (each {@code >= 0}); partitions absent restart at their beginning
     * @throws DataException if a name is not a partition of this topic (a checkpoint of another
     *     stream)
     * @throws IllegalStateException after the first {@link #next()}, or once closed
     */
    @Override
    public void seek(Map<String, Long> lastIncluded) {
        seekAfter(lastIncluded);
    }

    /**
     * @return per partition name ({@code "topic-p"}), in partition order, the offset of the last
     *     example returned or sought past; bad records do not count
     */
    @Override
    public Map<String, Long> lastPositions() {
        Map<String, Long> last = new LinkedHashMap<>();
        for (int p = 0; p < lastExampleOffset.length; p++) {
            if (lastExampleOffset[p] >= 0) {
                last.put(partitionNames[p], lastExampleOffset[p]);
            }
        }
        return Collections.unmodifiableMap(last);
    }

    /** @return {@code false}: {@code null} from {@link #next()} means nothing new arrived in the idle wait */
    @Override
    public boolean bounded() {
        return false;
    }

    /**
     * Commits, synchronously, the offsets after {@code lastOffsets} (next offset = last + 1) for
     * the consumer group named by {@code group.id} in the settings; a no-op without one. Call it
     * on the reading thread, only once the checkpoint holding these positions is durable.
     *
     * <p>A broker that does not answer within 5 s (down, or unreachable) does not stop the trainer:
     * the commit waits, said in one WARN line, and is retried every 5 s from {@link #next()} (a newer
     * commit replaces it), and once more on {@link #close()}. The checkpoint holds the positions, so
     * nothing is lost meanwhile; only the group's offsets, as others see them, stay behind.
     *
     * @param lastOffsets per partition name ({@code "topic-p"}), the offset of the last example
     *     the checkpoint holds; partitions absent are not committed
     * @throws DataException if a name is not a partition of this topic, or the broker refuses the
     *     commit (not a timeout: an authorization failure, an unknown group)
     * @throws IllegalStateException once closed
     */
    @Override
    public void commit(Map<String, Long> lastOffsets) {
        Objects.requireNonNull(lastOffsets, "lastOffsets");
        long[] after = resolve(lastOffsets, "commit");
        if (groupId == null) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int p = 0; p < partitions.length; p++) {
            if (after[p] >= 0) {
                offsets.put(partitions[p], new OffsetAndMetadata(after[p] + 1));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (!guard.enter()) {
            throw new IllegalStateException("source " + describe() + " is closed");
        }
        try {
            commitNow(offsets);
        } catch (WakeupException e) {
            throw new DataException("commit of " + offsets + " for group '" + groupId + "' on " + describe()
                    + " was interrupted by close()", e);
        } catch (KafkaException e) {
            throw new DataException("could not commit " + offsets + " for group '" + groupId + "' on " + describe()
                    + ": " + e, e);
        } finally {
            guard.exit();
        }
    }

    /**
     * Refuses to resume where the records after a checkpoint's offsets are no longer what the
     * checkpoint saw: below the partition's first offset (retention or {@code deleteRecords} removed
     * them: seeking there would silently skip to the first record left), or beyond its end (the
     * topic was recreated or truncated: reading on would silently take other records).
     */
    private void requireOffsetsStillThere(long[] after) {
        List<TopicPartition> resumed = new ArrayList<>();
        for (int p = 0; p < partitions.length; p++) {
            if (after[p] >= 0) {
                resumed.add(partitions[p]);
            }
        }
        if (resumed.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> begins;
        Map<TopicPartition, Long> ends;
        try {
            begins = consumer.beginningOffsets(resumed, METADATA_TIMEOUT);
            ends = consumer.endOffsets(resumed, METADATA_TIMEOUT);
        } catch (KafkaException e) {
            throw new DataException("could not read the first and last offsets of " + describe()
                    + " to check the checkpoint's offsets against them: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        for (TopicPartition tp : resumed) {
            int p = tp.partition();
            long next = after[p] + 1;
            long begin = begins.getOrDefault(tp, 0L);
            long end = ends.getOrDefault(tp, 0L);
            if (next < begin && acceptLostRecords) {
                String loss = "partition " + partitionNames[p] + ": offsets " + next + " to " + (begin - 1) + " ("
                        + (begin - next) + " records) were deleted before they were trained on (accepted by"
                        + " --kafka-resume accept-loss)";
                acceptedLosses.add(loss);
                LOG.warn("resuming {} past lost records: {}", describe(), loss);
                after[p] = begin - 1; // resume at the first record left
            } else if (next < begin) {
                problems.add("partition " + partitionNames[p] + ": the checkpoint resumes at offset " + next
                        + " but the partition now begins at " + begin + " (offsets " + next + " to " + (begin - 1)
                        + " were deleted, by retention or deleteRecords), so " + (begin - next)
                        + " records would be lost");
            } else if (next > end) {
                problems.add("partition " + partitionNames[p] + ": the checkpoint has read up to offset " + after[p]
                        + " but the partition now ends at " + end + " (offsets " + begin + " to " + (end - 1)
                        + "), so the topic was recreated or truncated");
            }
        }
        if (!problems.isEmpty()) {
            throw new DataException("cannot resume " + describe() + " from the checkpoint's offsets: "
                    + String.join("; ", problems) + ". Nothing was trained; to start afresh on what the topic"
                    + " holds now, choose a new --out" + (acceptLostRecords ? ""
                            : " (or, for deleted records only, resume past them with --kafka-resume accept-loss)"));
        }
    }

    /**
     * Lets the next {@link #seekAfter} resume a partition whose records after the checkpoint's
     * offset were deleted (retention, {@code deleteRecords}) from the first record it still holds,
     * instead of refusing: the lost range is logged as a WARN line and listed in
     * {@link #acceptedLosses()}. A partition that ends before the checkpoint's offset (a recreated
     * or truncated topic) is still refused: reading on would train on other records, not fewer.
     * Call it before {@link #seekAfter}.
     */
    public void acceptLostRecords() {
        this.acceptLostRecords = true;
    }

    @Override
    public List<String> acceptedLosses() {
        return List.copyOf(acceptedLosses);
    }

    /** Per partition number, the offset in {@code lastOffsets}, or -1 where absent. */
    private long[] resolve(Map<String, Long> lastOffsets, String what) {
        long[] after = new long[partitions.length];
        Arrays.fill(after, -1);
        for (Map.Entry<String, Long> e : lastOffsets.entrySet()) {
            int p = partitionOf(e.getKey());
            if (p < 0) {
                throw new DataException("cannot " + what + " " + describe() + " at partition '" + e.getKey()
                        + "': this topic's partitions are " + topic + "-0 to " + topic + "-" + (partitions.length - 1));
            }
            Long offset = Objects.requireNonNull(e.getValue(), "offset of " + e.getKey());
            if (offset < 0) {
                throw new IllegalArgumentException("offset of " + e.getKey() + " was " + offset + " but must be >= 0");
            }
            after[p] = offset;
        }
        return after;
    }

    private int partitionOf(String name) {
        if (name == null) {
            return -1;
        }
        for (int p = 0; p < partitionNames.length; p++) {
            if (partitionNames[p].equals(name)) {
                return p;
            }
        }
        return -1;
    }

    /**
     * The backlog: over all partitions, the end offset minus the offset of the next record to
     * read. End (and beginning) offsets are asked of the broker at most once a second; between
     * refreshes the last ones are used with the current read positions. Call it on the reading
     * thread.
     *
     * @return records written but not read yet (bad ones included), or empty if the broker could
     *     not tell or the source is closed
     */
    @Override
    public OptionalLong remaining() {
        if (!guard.enter()) {
            return OptionalLong.empty();
        }
        try {
            if ((!endsKnown || System.nanoTime() - endsFetchedAt >= REMAINING_REFRESH_NANOS) && outage.mayCall()) {
                refreshEnds();
            }
            if (!endsKnown) {
                return OptionalLong.empty();
            }
            long total = 0;
            for (int p = 0; p < partitions.length; p++) {
                long next = nextOffset[p] < 0 ? beginOffset[p] : nextOffset[p];
                total += Math.max(0, endOffset[p] - next);
            }
            return OptionalLong.of(total);
        } catch (KafkaException e) {
            return OptionalLong.empty();
        } finally {
            guard.exit();
        }
    }

    /**
     * After each poll: retries a commit that had to wait, or, when polls have brought nothing for a
     * while, asks the broker for the end offsets (so an outage is noticed, and its end, while the
     * trainer only waits).
     */
    private void afterPoll() {
        Map<TopicPartition, OffsetAndMetadata> waiting = outage.pendingCommit();
        if (waiting != null) {
            if (outage.mayCall()) {
                commitNow(waiting);
            }
        } else if (outage.probeDue()) {
            refreshEnds();
        }
    }

    /**
     * Commits now, or keeps the commit to retry when the broker does not answer (a timeout or another
     * retriable error) or has not answered the last call; a newer commit replaces a waiting one.
     *
     * @throws WakeupException if {@link #close()} came meanwhile
     * @throws KafkaException if the broker refuses the commit
     */
    private void commitNow(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (!outage.mayCall()) {
            outage.commitWaits(offsets);
            return;
        }
        outage.calling();
        try {
            consumer.commitSync(offsets, KafkaOutage.CALL_TIMEOUT);
            outage.committed();
            outage.answered();
        } catch (RetriableException e) {
            outage.unanswered("a commit of " + offsetsText(offsets), e);
            outage.commitWaits(offsets);
        }
    }

    /** @return such as {@code "offset 40 on examples-0, 12 on examples-1"} */
    private static String offsetsText(Map<TopicPartition, OffsetAndMetadata> offsets) {
        StringBuilder text = new StringBuilder(offsets.size() == 1 ? "offset " : "offsets ");
        offsets.entrySet().stream().sorted(Map.Entry.comparingByKey(
                java.util.Comparator.comparingInt(TopicPartition::partition))).forEach(e -> {
                    if (text.length() > "offsets ".length()) {
                        text.append(", ");
                    }
                    text.append(e.getValue().offset()).append(" on ").append(e.getKey());
                });
        return text.toString();
    }

    /** Asks the broker for each partition's first and end offsets; an outage if it does not answer. */
    private void refreshEnds() {
        List<TopicPartition> all = List.of(partitions);
        outage.calling();
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(all, KafkaOutage.CALL_TIMEOUT);
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(all, KafkaOutage.CALL_TIMEOUT);
            for (int p = 0; p < partitions.length; p++) {
                endOffset[p] = ends.getOrDefault(partitions[p], 0L);
                beginOffset[p] = begins.getOrDefault(partitions[p], 0L);
            }
            endsFetchedAt = System.nanoTime();
            endsKnown = true;
            outage.answered();
        } catch (RetriableException e) {
            outage.unanswered("an offsets query", e);
        }
    }

    /**
     * Releases the consumer, first making a commit that is still waiting (the broker was away at the
     * last checkpoint) if the broker answers within {@link #CLOSE_COMMIT_TIMEOUT}.
     */
    private void release() {
        Map<TopicPartition, OffsetAndMetadata> waiting = outage.pendingCommit();
        try {
            if (waiting != null) {
                try {
                    consumer.commitSync(waiting, CLOSE_COMMIT_TIMEOUT);
                    outage.answered();
                } catch (KafkaException e) {
                    LOG.warn("kafka:{}/{}: closing without the commit of {} ({}): group '{}' stays behind the"
                            + " newest checkpoint. A resume from that checkpoint is still exact, and its first commit"
                            + " brings the group up to date", bootstrapServers, topic, offsetsText(waiting),
                            e.getClass().getSimpleName(), groupId);
                }
            }
        } finally {
            consumer.close();
        }
    }

    /** @return the number of partitions read (all the topic had when the source was opened) */
    public int partitionCount() {
        return partitions.length;
    }

    /** @return examples returned by {@link #next()} so far (bad records not counted) */
    public long examplesRead() {
        return examples;
    }

    /** @return the codec's shape */
    @Override
    public Shape shape() {
        return codec.shape();
    }

    /** @return the codec's number of classes */
    @Override
    public int numClasses() {
        return codec.numClasses();
    }

    /** @return such as {@code "kafka:localhost:9092/examples (3 partitions, group trainer, bad records: skip)"} */
    @Override
    public String describe() {
        return "kafka:" + bootstrapServers + "/" + topic + " (" + (partitions == null ? "?" : partitions.length)
                + " partitions, " + (groupId == null ? "no group" : "group " + groupId) + ", bad records: "
                + handler.describe() + ")";
    }

    /**
     * Closes the source; idempotent; any thread. If {@link #next()} is running on another thread
     * it is woken and returns {@code null}, and that thread closes the consumer; otherwise the
     * consumer is closed before this returns. Nothing new is committed; a commit still waiting for the
     * broker (see {@link #commit}) is tried once more, for up to 10 s. The handler stays open.
     */
    @Override
    public void close() {
        guard.close();
    }

    @Override
    public String toString() {
        return "KafkaSource[" + describe() + ", examplesRead=" + examples + "]";
    }
}
