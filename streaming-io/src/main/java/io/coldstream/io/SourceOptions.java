package io.coldstream.io;

import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * What {@link Sources#open} needs to open a source from a spec. Each kind reads the parts it
 * needs and ignores the rest:
 *
 * <ul>
 *   <li>a dataset ({@code idx:DIR}, {@code cifar100:DIR}, {@code imagefolder:DIR}, a
 *       multi-task list): {@code dataset} (or {@code datasetOptions}), {@code order},
 *       {@code stageClasses}, {@code orderRandom}, {@code limit}, {@code badRecords};</li>
 *   <li>a Chronicle Queue ({@code queue:DIR}): {@code shape}, {@code numClasses},
 *       {@code badRecords}, {@code idle};</li>
 *   <li>Kafka ({@code kafka:HOST:PORT/TOPIC}): the same, and {@code kafkaConsumer}.</li>
 * </ul>
 *
 * <p>Build it with {@link #builder()}. The record holds the very {@code orderRandom} and
 * {@code badRecords} given (a source draws from and reports to them), and its own copy of the
 * consumer settings. Not thread-safe to share while a source is being opened from it, since the
 * generator is advanced then.
 *
 * @param dataset for a dataset spec, the dataset already opened for it (see
 *     {@link Datasets#forRun}), whose train split is streamed without being read again;
 *     {@code null} opens the spec with {@link Datasets#open(SourceSpec, DatasetOptions)}. The caller
 *     makes sure it is the dataset the spec names
 * @param datasetOptions how a dataset spec is read when {@code dataset} is {@code null}; never
 *     {@code null} ({@link DatasetOptions#defaults()} unless told otherwise)
 * @param shape for a queue or Kafka, the shape every record must have (records of another are bad
 *     records); {@code null} where unknown
 * @param numClasses for a queue or Kafka, the number of classes labels lie in, {@code >= 2}; 0
 *     where unknown
 * @param badRecords receives every record of a queue or topic, and every example of a dataset
 *     (an image file), that does not decode; not closed by the source
 * @param order the order in which a dataset's train split is streamed
 * @param stageClasses classes per stage of a class-incremental order (checked when a dataset is
 *     opened, {@code >= 1})
 * @param orderRandom the generator the order draws from, advanced when a dataset is opened;
 *     needed for a dataset spec
 * @param limit the most examples a dataset streams; {@code <= 0} streams all
 * @param kafkaConsumer Kafka consumer settings passed through ({@code group.id}, security, ...);
 *     never {@code null} (empty for none)
 * @param idle for a queue or Kafka, how long {@link ExampleSource#next()} waits with nothing new
 *     before it returns {@code null}; {@code null} waits until the source is closed
 * @param acceptLostRecords for Kafka, resume a partition whose records after the checkpoint were
 *     deleted (retention) from its first remaining record, recording the loss
 *     ({@link ExampleSource#acceptedLosses()}), instead of refusing to resume
 */
public record SourceOptions(Dataset dataset, DatasetOptions datasetOptions, Shape shape, int numClasses, BadRecordHandler badRecords,
        StreamOrder order, int stageClasses, SeededRandom orderRandom, long limit, Properties kafkaConsumer,
        Duration idle, boolean acceptLostRecords) {

    /** The idle wait of a builder that is not told another: what the trainer uses. */
    public static final Duration DEFAULT_IDLE = Duration.ofMillis(200);

    /** Checks the parts that are wrong for every kind of source, and copies the consumer settings. */
    public SourceOptions {
        Objects.requireNonNull(datasetOptions, "datasetOptions");
        Objects.requireNonNull(badRecords, "badRecords");
        Objects.requireNonNull(order, "order");
        if (numClasses < 0) {
            throw new IllegalArgumentException("numClasses was " + numClasses + " but must be >= 2, or 0 where unknown");
        }
        kafkaConsumer = copy(kafkaConsumer);
    }

    /** @return a copy of the Kafka consumer settings */
    @Override
    public Properties kafkaConsumer() {
        return copy(kafkaConsumer);
    }

    private static Properties copy(Properties properties) {
        Properties copy = new Properties();
        if (properties != null) {
            copy.putAll(properties);
        }
        return copy;
    }

    /**
     * @return a builder with no dataset, default dataset options, no shape, 0 classes, the {@link BadRecordHandlers#fail()}
     *     handler, order {@code iid} with 2 classes per stage and no generator, no limit, no consumer
     *     settings and an idle wait of {@link #DEFAULT_IDLE}
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link SourceOptions}; not thread-safe. */
    public static final class Builder {

        private Dataset dataset;
        private DatasetOptions datasetOptions = DatasetOptions.defaults();
        private Shape shape;
        private int numClasses;
        private BadRecordHandler badRecords;
        private StreamOrder order = StreamOrder.IID;
        private int stageClasses = 2;
        private SeededRandom orderRandom;
        private long limit;
        private Properties kafkaConsumer;
        private boolean acceptLostRecords;
        private Duration idle = DEFAULT_IDLE;

        private Builder() {
        }

        /**
         * @param dataset the dataset a dataset spec streams the train split of, already opened
         * @return this builder
         */
        public Builder dataset(Dataset dataset) {
            this.dataset = dataset;
            return this;
        }

        /**
         * @param datasetOptions how a dataset spec is read when no {@link #dataset} is given
         * @return this builder
         */
        public Builder datasetOptions(DatasetOptions datasetOptions) {
            this.datasetOptions = datasetOptions;
            return this;
        }

        /**
         * @param shape the shape of every example of a queue or topic
         * @param numClasses the number of classes of a queue or topic, {@code >= 2}
         * @return this builder
         */
        public Builder examples(Shape shape, int numClasses) {
            this.shape = shape;
            this.numClasses = numClasses;
            return this;
        }

        /**
         * @param badRecords the handler of records that do not decode
         * @return this builder
         */
        public Builder badRecords(BadRecordHandler badRecords) {
            this.badRecords = badRecords;
            return this;
        }

        /**
         * @param order how a dataset's train split becomes a stream
         * @param stageClasses classes per class-incremental stage
         * @param orderRandom the generator the order draws from
         * @return this builder
         */
        public Builder order(StreamOrder order, int stageClasses, SeededRandom orderRandom) {
            this.order = order;
            this.stageClasses = stageClasses;
            this.orderRandom = orderRandom;
            return this;
        }

        /**
         * @param limit the most examples a dataset streams; {@code <= 0} streams all
         * @return this builder
         */
        public Builder limit(long limit) {
            this.limit = limit;
            return this;
        }

        /**
         * @param kafkaConsumer Kafka consumer settings; copied
         * @return this builder
         */
        public Builder kafkaConsumer(Properties kafkaConsumer) {
            this.kafkaConsumer = kafkaConsumer;
            return this;
        }

        /**
         * @param idle how long a queue or Kafka {@code next()} waits with nothing new; {@code null} waits until closed
         * @return this builder
         */
        public Builder idle(Duration idle) {
            this.idle = idle;
            return this;
        }

        /**
         * @param accept for Kafka, resume past records that retention deleted, recording the loss
         * @return this builder
         */
        public Builder acceptLostRecords(boolean accept) {
            this.acceptLostRecords = accept;
            return this;
        }

        /** @return the options */
        public SourceOptions build() {
            return new SourceOptions(dataset, datasetOptions, shape, numClasses,
                    badRecords == null ? BadRecordHandlers.fail() : badRecords, order, stageClasses, orderRandom,
                    limit, kafkaConsumer, idle, acceptLostRecords);
        }
    }
}
