package io.coldstream.learner;

import java.util.ArrayList;
import java.util.List;

/**
 * The trainer's periodic work (holdout, snapshot, checkpoint, metrics, progress), registered once
 * and run after each step when due, in the order registered, in the manner of Kafka Streams'
 * punctuators: by example count ({@link #everyExamples}) or by wall-clock time
 * ({@link #everyMillis}).
 *
 * <p>Owned by the training thread; {@link #afterStep} does not allocate.
 */
final class PeriodicTasks {

    /** One piece of periodic work. */
    @FunctionalInterface
    interface Task {
        /**
         * @param seen examples trained on so far
         * @param nowMillis the run clock's time
         */
        void run(long seen, long nowMillis);
    }

    private record Entry(long every, boolean byTime, Task task, long[] lastRun) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /**
     * Runs {@code task} after every step whose example count is a multiple of {@code every}.
     *
     * @param every examples between runs; {@code 0} or less registers nothing
     * @param task the work
     * @return this
     */
    PeriodicTasks everyExamples(long every, Task task) {
        if (every > 0) {
            entries.add(new Entry(every, false, task, null));
        }
        return this;
    }

    /**
     * Runs {@code task} after the first step at least {@code millis} after its previous run (or after
     * {@code startMillis}).
     *
     * @param millis milliseconds between runs, {@code > 0}
     * @param startMillis when the clock starts
     * @param task the work
     * @return this
     */
    PeriodicTasks everyMillis(long millis, long startMillis, Task task) {
        entries.add(new Entry(millis, true, task, new long[] {startMillis}));
        return this;
    }

    /**
     * Runs every task that is due.
     *
     * @param seen examples trained on so far
     * @param clock the run clock, read only if a timed task is registered
     */
    void afterStep(long seen, java.time.Clock clock) {
        run(seen, clock, true);
    }

    /**
     * Runs every timed task that is due, while no step is made (an unbounded source has nothing
     * new): progress and the source's lag are still reported.
     *
     * @param seen examples trained on so far
     * @param clock the run clock
     */
    void whileWaiting(long seen, java.time.Clock clock) {
        run(seen, clock, false);
    }

    private void run(long seen, java.time.Clock clock, boolean stepped) {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (!e.byTime) {
                if (!stepped) {
                    continue;
                }
                if (seen % e.every == 0) {
                    e.task.run(seen, -1);
                }
            } else {
                long now = clock.millis();
                if (now - e.lastRun[0] >= e.every) {
                    e.lastRun[0] = now;
                    e.task.run(seen, now);
                }
            }
        }
    }
}
