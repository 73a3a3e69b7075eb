package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Shape;
import java.util.Objects;
import java.util.function.Supplier;

/** A {@link Dataset} whose splits come from two readers, each called once, on first use. */
final class LazyDataset implements Dataset {

    private final String name;
    private final Supplier<DatasetSplit> trainReader;
    private final Supplier<DatasetSplit> testReader;
    private DatasetSplit train;
    private DatasetSplit test;

    LazyDataset(String name, Supplier<DatasetSplit> trainReader, Supplier<DatasetSplit> testReader) {
        this.name = Objects.requireNonNull(name, "name");
        this.trainReader = Objects.requireNonNull(trainReader, "trainReader");
        this.testReader = Objects.requireNonNull(testReader, "testReader");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape shape() {
        return test().shape();
    }

    @Override
    public synchronized int numClasses() {
        DatasetSplit t = test();
        return train == null ? t.numClasses() : Math.max(train.numClasses(), t.numClasses());
    }

    @Override
    public synchronized DatasetSplit train() {
        if (train == null) {
            DatasetSplit read = trainReader.get();
            if (test != null) {
                requireOneShape(read, test);
            }
            train = read;
        }
        return train;
    }

    @Override
    public synchronized DatasetSplit test() {
        if (test == null) {
            DatasetSplit read = testReader.get();
            if (train != null) {
                requireOneShape(train, read);
            }
            test = read;
        }
        return test;
    }

    private static void requireOneShape(DatasetSplit train, DatasetSplit test) {
        if (!train.shape().equals(test.shape())) {
            throw new ConfigurationException("data: the " + train.name() + " split has examples of " + train.shape()
                    + " but the " + test.name() + " split has " + test.shape() + "; both splits must have one shape");
        }
    }

    @Override
    public synchronized String toString() {
        return "Dataset[" + name + ", train " + (train == null ? "not read" : train.size() + " examples") + ", test "
                + (test == null ? "not read" : test.size() + " examples") + "]";
    }
}
