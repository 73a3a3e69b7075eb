package io.coldstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakReportTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    /** Samples every 500 steps to {@code steps}, resident rising linearly from 1000 MiB by {@code slopeMib} per 1,000 steps. */
    private static List<SoakReport.Sample> samples(long steps, double slopeMib) {
        List<SoakReport.Sample> out = new ArrayList<>();
        for (long s = 0; s <= steps; s += 500) {
            out.add(new SoakReport.Sample(s, 1_000_000 + s, (long) ((1000 + slopeMib * s / 1000.0) * MIB),
                    (200 + s % 1000 / 10) * MIB, 2));
        }
        return out;
    }

    @Test
    void growthIsMeasuredFromStepOneThousandToTheLastAndJudgedAgainstTenPercent() throws Exception {
        SoakReport flat = new SoakReport("dl4j", 50_000, "-Xms768m -Xmx768m", true, samples(50_000, 1.0));
        assertThat(flat.baseline().step()).isEqualTo(1000);
        assertThat(flat.last().step()).isEqualTo(50_000);
        // 1001 MiB at step 1,000, 1050 at the end: +4.9%
        assertThat(flat.residentGrowthPercent()).isCloseTo(49.0 * 100 / 1001, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(flat.metTarget()).isTrue();
        SoakReport leaking = new SoakReport("dl4j", 50_000, "", false, samples(50_000, 3.0));
        assertThat(leaking.residentGrowthPercent()).isGreaterThan(10);
        assertThat(leaking.metTarget()).isFalse();

        leaking.write(dir);
        String md = Files.readString(dir.resolve("soak.md"));
        assertThat(md).contains("# Soak, dl4j engine, 50,000 steps").contains("the heap is not fixed")
                .contains("| 1,000 | 1003.0 |").contains("| 50,000 | 1150.0 |").contains("| 20,000 |")
                .contains("target: within 10%: not met");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("soak.json").toFile());
        assertThat(json.get("metTarget").asBoolean()).isFalse();
        assertThat(json.get("baselineStep").asLong()).isEqualTo(1000);
        assertThat(json.get("table")).hasSize(8);
        assertThat(Files.readAllLines(dir.resolve("soak.csv"))).hasSize(102)
                .startsWith("step,epochMillis,residentBytes,heapUsedBytes,openNetworks");
        byte[] png = Files.readAllBytes(dir.resolve("soak.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void aShortRunMeasuresFromAFifthOfItAndTwoSamplesAreNeeded() {
        SoakReport shortRun = new SoakReport("pytorch", 2000, "", false, samples(2000, 0));
        assertThat(shortRun.baselineStep()).isEqualTo(400);
        assertThat(shortRun.baseline().step()).isEqualTo(500);
        assertThat(shortRun.residentGrowthPercent()).isZero();
        assertThatThrownBy(() -> new SoakReport("dl4j", 10, "", true, samples(0, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two samples");
    }
}
