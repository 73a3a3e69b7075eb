package io.coldstream.cli;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.io.CifarLabels;
import io.coldstream.io.Dataset;
import io.coldstream.io.DatasetOptions;
import io.coldstream.io.Datasets;
import io.coldstream.io.ExampleSink;
import io.coldstream.io.ExampleSource;
import io.coldstream.io.SourceOptions;
import io.coldstream.io.SourceSpec;
import io.coldstream.io.Sources;
import io.coldstream.io.StreamOrder;
import io.coldstream.learner.KafkaProperties;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coldstream ingest}: copies a dataset, in a chosen order, into a durable stream. */
@Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Copy a dataset's train split, in a chosen order, into a stream (one record per example,"
                + " in the Coldstream record format).")
final class IngestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "SPEC", description = "dataset to read: idx:DIR or DIR (IDX), cifar100:DIR,"
            + " imagefolder:DIR, or A,B,... (multi-task; reads each task's test split too, to fix its class offsets)"
            + " (default: /usr/share/datasets/fashion-mnist)")
    String data = io.coldstream.io.FashionMnist.DEFAULT_DIR.toString();
    @Option(names = "--source", paramLabel = "SPEC", description = "a dataset, as --data but with its prefix"
            + " (idx:DIR, cifar100:DIR, imagefolder:DIR, A,B,...)")
    String source;
    @Option(names = "--labels", paramLabel = "LABELS", description = "fine | coarse: CIFAR-100's 100 classes or 20"
            + " superclasses (default: fine)")
    String labels = CifarLabels.FINE.cliName();
    @Option(names = "--image-size", paramLabel = "PX", description = "side in pixels of the images of an imagefolder"
            + " dataset (default: 32)")
    int imageSize = DatasetOptions.DEFAULT_IMAGE_SIZE;
    @Option(names = "--to", required = true, paramLabel = "SINK", description = "queue:DIR or kafka:HOST:PORT/TOPIC")
    String to;
    @Option(names = "--kafka-properties", paramLabel = "FILE", description = "Kafka producer settings (security, ...) as a Java properties file")
    Path kafkaProperties;
    @Option(names = "--order", paramLabel = "ORDER", description = "iid | class-incremental | file | multi-task"
            + " (default: iid)")
    String order = "iid";
    @Option(names = "--stage-classes", paramLabel = "C", description = "classes per stage in class-incremental order (default: 2)")
    int stageClasses = 2;
    @Option(names = "--limit", paramLabel = "N", description = "copy at most N examples (default: all)")
    long limit;
    @Option(names = "--seed", paramLabel = "S", description = "seed of the order (default: 42, as train uses)")
    long seed = 42;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        SourceSpec from = source != null ? SourceSpec.parse(source) : SourceSpec.parseDataset(data);
        if (!from.isDataset()) {
            throw new ConfigurationException("--source was '" + source + "' but ingest reads datasets only: idx:DIR,"
                    + " cifar100:DIR, imagefolder:DIR or several comma-separated (A,B,...)");
        }
        DatasetOptions datasetOptions = new DatasetOptions(CifarLabels.parse(labels), imageSize);
        SourceSpec sink = SourceSpec.parse(to);
        if (sink.isDataset()) {
            throw new ConfigurationException("--to was '" + to + "' but ingest writes to queue:DIR or"
                    + " kafka:HOST:PORT/TOPIC");
        }
        if (limit < 0) {
            throw new ConfigurationException("--limit was " + limit + " but it must be >= 0");
        }
        // Only the train split is read (no test split needed, but for a multi-task dataset), and
        // first: a missing or broken split is reported before a bad --order.
        Dataset dataset = Datasets.open(from, datasetOptions);
        dataset.train();
        // The same derivation as the trainer's, so that ingest --order iid --seed S followed by
        // train --source queue:... sees the stream train --data --order iid --seed S would.
        SeededRandom root = new SeededRandom(seed);
        SourceOptions options = SourceOptions.builder().dataset(dataset)
                .order(StreamOrder.parse(order), stageClasses, root.derive("order")).limit(limit).build();
        // --kafka-properties is read only for a Kafka sink, the only one it applies to
        try (ExampleSource in = Sources.open(from, options);
             ExampleSink out = Sources.openSink(sink,
                     sink.kind() == SourceSpec.Kind.KAFKA ? KafkaProperties.read(kafkaProperties) : null)) {
            long total = in.remaining().orElse(-1);
            long start = System.nanoTime();
            long lastReport = start;
            Example ex;
            while ((ex = in.next()) != null) {
                out.write(ex);
                long now = System.nanoTime();
                if (now - lastReport > 2_000_000_000L) {
                    err.printf(Locale.ROOT, "%,d/%,d records, %.0f records/s%n", out.written(), total,
                            out.written() / ((now - start) / 1e9));
                    err.flush();
                    lastReport = now;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            spec.commandLine().getOut().printf(Locale.ROOT, "ingested %d records into %s in %.2f s (%.0f records/s)%n",
                    out.written(), out.describe(), seconds, out.written() / Math.max(seconds, 1e-9));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
