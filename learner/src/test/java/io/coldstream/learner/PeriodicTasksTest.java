package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeriodicTasksTest {

    @Test
    void countedTasksRunAfterStepsAndTimedOnesAlsoWhileTheSourceHasNothingNew() {
        List<String> ran = new ArrayList<>();
        PeriodicTasks tasks = new PeriodicTasks()
                .everyExamples(2, (seen, now) -> ran.add("checkpoint@" + seen))
                .everyMillis(1000, 0, (seen, now) -> ran.add("progress@" + seen + "/" + now));
        tasks.afterStep(1, at(500));
        tasks.afterStep(2, at(900));
        assertThat(ran).containsExactly("checkpoint@2");
        // no step for a while: the count-based task waits for steps, the timed one reports on
        tasks.whileWaiting(2, at(1000));
        tasks.whileWaiting(2, at(1500));
        tasks.whileWaiting(2, at(2100));
        assertThat(ran).containsExactly("checkpoint@2", "progress@2/1000", "progress@2/2100");
        tasks.afterStep(3, at(2200));
        tasks.afterStep(4, at(3100));
        assertThat(ran).endsWith("checkpoint@4", "progress@4/3100");
    }

    private static Clock at(long millis) {
        return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }
}
