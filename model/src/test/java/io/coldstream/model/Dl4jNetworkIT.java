package io.coldstream.model;

/** The Deeplearning4j engine keeps the {@link NetworkContract}. */
class Dl4jNetworkIT extends NetworkContract {

    @Override
    NetworkEngine engine() {
        return NetworkEngine.DL4J;
    }

    @Override
    boolean released(Network net) {
        return ((io.coldstream.model.internal.Dl4jNetwork) net).released();
    }
}
