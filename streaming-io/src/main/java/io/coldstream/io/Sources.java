package io.coldstream.io;

import java.util.Objects;
import java.util.Properties;

/**
 * Opens the source or the sink a spec names ({@link SourceSpec}), so that a caller (the trainer,
 * {@code coldstream ingest}) never names a concrete source type and drives every one through the
 * {@link ExampleSource} protocol. Stateless; any thread.
 */
public final class Sources {

    private Sources() {
    }

    /**
     * Opens a source, positioned at its start (resume with {@link ExampleSource#seek}):
     *
     * <ul>
     *   <li>a dataset ({@code idx:DIR}, {@code cifar100:DIR}, {@code imagefolder:DIR} or a
     *       multi-task list): {@link IdxSource#ordered} over the train split of
     *       {@code options.dataset()} (or of {@link Datasets#open(SourceSpec, DatasetOptions)} of the
     *       spec with {@code options.datasetOptions()}), in {@code options.order()}, with partition
     *       name {@code "train"}; an example that cannot be decoded (an image file that is not an
     *       image) goes to {@code options.badRecords()};</li>
     *   <li>{@code queue:DIR}: a {@link QueueSource} that follows the queue (waits for records to
     *       be appended), waiting {@code options.idle()} before {@code next()} returns {@code null};</li>
     *   <li>{@code kafka:HOST:PORT/TOPIC}: a {@link KafkaSource} on every partition of the topic,
     *       with {@code options.kafkaConsumer()} settings and the same idle wait.</li>
     * </ul>
     *
     * @param spec what to read
     * @param options what the source needs (see {@link SourceOptions})
     * @return the source; the caller closes it
     * @throws io.coldstream.core.DatasetNotFoundException if the dataset, the queue folder or the
     *     topic does not exist
     * @throws io.coldstream.core.DataException if a file or the queue is malformed, or the broker
     *     cannot be reached
     * @throws io.coldstream.core.ConfigurationException if an option is invalid for the kind (a
     *     stage size below 1, Kafka settings the source refuses)
     * @throws IllegalArgumentException if a queue or Kafka spec comes without a shape or with fewer
     *     than 2 classes, or a dataset spec without an order generator
     */
    public static ExampleSource open(SourceSpec spec, SourceOptions options) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        return switch (spec.kind()) {
            case IDX, CIFAR100, IMAGEFOLDER, MULTI_TASK -> {
                Dataset dataset = options.dataset() != null ? options.dataset()
                        : Datasets.open(spec, options.datasetOptions());
                DatasetSplit train = dataset.train();
                if (options.orderRandom() == null) {
                    throw new IllegalArgumentException("streaming " + spec + " needs the generator of its "
                            + options.order().cliName() + " order: SourceOptions.orderRandom was null");
                }
                yield IdxSource.ordered(train, options.order(), options.stageClasses(), options.orderRandom(),
                        options.limit(), IdxDataset.TRAIN_SPLIT).withBadRecords(options.badRecords());
            }
            case QUEUE -> new QueueSource(spec.path(), codec(spec, options), options.badRecords(), true, options.idle());
            case KAFKA -> {
                KafkaSource kafka = new KafkaSource(spec.location(), spec.topic(), codec(spec, options),
                        options.badRecords(), options.idle(), options.kafkaConsumer());
                if (options.acceptLostRecords()) {
                    kafka.acceptLostRecords();
                }
                yield kafka;
            }
        };
    }

    private static ExampleCodec codec(SourceSpec spec, SourceOptions options) {
        if (options.shape() == null || options.numClasses() < 2) {
            throw new IllegalArgumentException("reading " + spec + " needs the shape and the number of classes of its"
                    + " records, but SourceOptions had shape " + options.shape() + " and " + options.numClasses()
                    + " classes");
        }
        return new ExampleCodec(options.shape(), options.numClasses());
    }

    /**
     * Opens a sink: {@code queue:DIR} gives a {@link QueueSink} (creating the queue if needed),
     * {@code kafka:HOST:PORT/TOPIC} a {@link KafkaSink}.
     *
     * @param spec where to write; a queue or a Kafka topic
     * @param kafkaProducerProperties Kafka producer settings passed through (security,
     *     {@code linger.ms}, ...), or {@code null} for none; ignored for a queue
     * @return the sink; the caller closes it
     * @throws IllegalArgumentException if {@code spec} names a dataset, which is read, not written
     * @throws io.coldstream.core.DataException if the queue cannot be created or opened
     * @throws io.coldstream.core.ConfigurationException if a producer setting is invalid
     */
    public static ExampleSink openSink(SourceSpec spec, Properties kafkaProducerProperties) {
        Objects.requireNonNull(spec, "spec");
        return switch (spec.kind()) {
            case IDX, CIFAR100, IMAGEFOLDER, MULTI_TASK -> throw new IllegalArgumentException("cannot write to "
                    + spec + ": a sink is queue:DIR or kafka:HOST:PORT/TOPIC");
            case QUEUE -> new QueueSink(spec.path());
            case KAFKA -> new KafkaSink(spec.location(), spec.topic(), kafkaProducerProperties);
        };
    }
}
