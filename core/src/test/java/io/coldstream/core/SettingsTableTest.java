package io.coldstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTableTest {

    private enum Colour {
        RED, GREEN;

        static Colour parse(String text) {
            for (Colour c : values()) {
                if (c.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return c;
                }
            }
            throw new ConfigurationException("colour was '" + text + "' but allowed values are red, green");
        }
    }

    /** A small table declared as a command would declare its own. */
    private static final class Demo {
        static final SettingsTable TABLE = new SettingsTable();
        static final Setting<Path> DATA = TABLE.define("data", SettingType.path("a folder path"), Path.of("/data"))
                .label("DIR").doc("input folder");
        static final Setting<String> SOURCE = TABLE.define("source", SettingType.TEXT, null)
                .describedDefault("the data folder").doc("stream to read");
        static final Setting<Integer> REPLAY_K = TABLE.define("replay.k", SettingType.INT, 50)
                .label("K").check(SettingCheck.atLeast(0)).doc("replayed examples per step");
        static final Setting<ByteSize> BUDGET = TABLE.define("replay.budget",
                        SettingType.of(ByteSize::parse, ByteSize::toString), ByteSize.parse("16MB"))
                .label("SIZE").check(SettingCheck.that(b -> b.bytes() > 0, "positive")).doc("replay budget");
        static final Setting<String> LIST = TABLE.define("augment", SettingType.TEXT, "crop")
                .path("augment.list").check(SettingCheck.accepts(Demo::knownAugmentations)).doc("augmentations");
        static final Setting<Boolean> NEW = TABLE.define("augment.new", SettingType.BOOLEAN, false)
                .label("BOOL").doc("augment the new example too");
        static final Setting<Double> LR = TABLE.define("lr", SettingType.DOUBLE, 0.01)
                .check(SettingCheck.that(v -> v > 0 && Double.isFinite(v), "a positive number")).doc("learning rate");
        static final Setting<Colour> COLOUR = TABLE.define("colour", SettingType.of(Colour::parse,
                        c -> c.name().toLowerCase(Locale.ROOT)), Colour.RED).doc("a choice");
        static final Setting<Long> LIMIT = TABLE.define("limit", SettingType.LONG, 0L).resumable()
                .describedDefault("whole stream").check(SettingCheck.atLeast(0)).doc("most examples");
        static final Setting<String> HOST = TABLE.define("metrics.host", SettingType.TEXT, "127.0.0.1").resumable()
                .check(SettingCheck.that(h -> !h.isBlank(), "an address such as 127.0.0.1")).doc("address");

        static void knownAugmentations(String list) {
            if (!List.of("crop", "flip", "none").containsAll(List.of(list.split(",")))) {
                throw new ConfigurationException("augment had '" + list + "' but allowed names are crop, flip, none");
            }
        }
    }

    @Test
    void keepsDeclarationOrderAndDerivesFlags() {
        assertThat(Demo.TABLE.keys()).containsExactly("data", "source", "replay.k", "replay.budget", "augment",
                "augment.new", "lr", "colour", "limit", "metrics.host");
        assertThat(Demo.BUDGET.flag()).isEqualTo("--replay-budget");
        assertThat(Demo.LIST.path()).isEqualTo("augment.list");
        assertThat(Demo.REPLAY_K.label()).isEqualTo("K");
        assertThat(Demo.LR.label()).isEqualTo("VALUE");
        assertThat(Demo.REPLAY_K.table()).isSameAs(Demo.TABLE);
    }

    @Test
    void documentsDefaultsAsValuesOrWords() {
        assertThat(Demo.BUDGET.defaultText()).isEqualTo("16MB");
        assertThat(Demo.BUDGET.defaultIsDescribed()).isFalse();
        assertThat(Demo.LIMIT.defaultText()).isEqualTo("whole stream");
        assertThat(Demo.LIMIT.defaultIsDescribed()).isTrue();
        assertThat(Demo.SOURCE.defaultValue()).isNull();
        assertThat(Demo.COLOUR.defaultText()).isEqualTo("red");
    }

    @Test
    void normalisesFlagsToKeysAndFindsPaths() {
        assertThat(Demo.TABLE.normalise("--Replay-Budget")).isEqualTo("replay.budget");
        assertThat(Demo.TABLE.normalise("replay.budget")).isEqualTo("replay.budget");
        assertThat(Demo.TABLE.normalise("--metrics-host")).isEqualTo("metrics.host");
        assertThat(Demo.TABLE.normalise("--foo-bar")).isEqualTo("foo-bar");
        assertThat(Demo.TABLE.find("--augment-new")).contains(Demo.NEW);
        assertThat(Demo.TABLE.find("augment.list")).contains(Demo.LIST);
        assertThat(Demo.TABLE.find("replay.size")).isEmpty();
    }

    @Test
    void readsTextIntoTypedValues() {
        SettingValues v = Demo.TABLE.newValues().set("--replay-k", " 7 ").set("replay.budget", "8MB")
                .set("augment.list", "crop,flip").set("augment.new", "TRUE").set("colour", "green")
                .set("source", "queue:/q").build();
        assertThat(v.get(Demo.REPLAY_K)).isEqualTo(7);
        assertThat(v.get(Demo.BUDGET)).isEqualTo(ByteSize.parse("8MB"));
        assertThat(v.get(Demo.LIST)).isEqualTo("crop,flip");
        assertThat(v.get(Demo.NEW)).isTrue();
        assertThat(v.get(Demo.COLOUR)).isEqualTo(Colour.GREEN);
        assertThat(v.get(Demo.SOURCE)).isEqualTo("queue:/q");
        assertThat(v.get(Demo.DATA)).isEqualTo(Path.of("/data"));
    }

    @Test
    void describesGroupedByFirstWordInDeclarationOrderLeavingOutUnsetOptionals() {
        Map<String, Object> d = Demo.TABLE.newValues().set("limit", "9").build().describe();
        assertThat(d).containsOnlyKeys("data", "replay", "augment", "lr", "colour", "limit", "metrics");
        assertThat(d.keySet()).containsExactly("data", "replay", "augment", "lr", "colour", "limit", "metrics");
        assertThat(d.get("data")).isEqualTo("/data");
        assertThat(d.get("replay")).isEqualTo(Map.of("k", 50, "budget", "16MB"));
        assertThat(d.get("augment")).isEqualTo(Map.of("list", "crop", "new", false));
        assertThat(d.get("limit")).isEqualTo(9L);
        assertThat(d.get("lr")).isEqualTo(0.01);
        assertThat(d.get("colour")).isEqualTo("red");
        assertThat(Demo.TABLE.newValues().set("source", "x").build().describe().keySet())
                .containsSequence("data", "source", "replay");
    }

    @Test
    void describesASelectionDroppingEmptyGroups() {
        Map<String, Object> d = Demo.TABLE.newValues().build().describe(s -> !s.resumable());
        assertThat(d).doesNotContainKeys("limit", "metrics").containsKeys("data", "replay", "lr");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> Demo.TABLE.newValues()
                .set("replay.k", "lots")
                .set("replay.budget", "-3 MB")
                .set("colour", "blue")
                .set("augment.new", "yes")
                .set("lr", "0")
                .set("limit", "-1")
                .set("metrics.host", "  ")
                .set("augment", "crop,blur")
                .set("--flavour", "x")
                .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "replay.k was 'lots' but it must be a whole number",
                        "replay.budget was '-3 MB' but it must be valid ('-3 MB' is not a size; write a number with"
                                + " an optional unit B, KB, MB or GB, such as 16MB)",
                        "colour: colour was 'blue' but allowed values are red, green",
                        "augment.new was 'yes' but it must be true or false",
                        "unknown key '--flavour'; known keys are --data, --source, --replay-k, --replay-budget,"
                                + " --augment, --augment-new, --lr, --colour, --limit, --metrics-host",
                        "augment: augment had 'crop,blur' but allowed names are crop, flip, none",
                        "lr was 0.0 but it must be a positive number",
                        "limit was -1 but it must be >= 0",
                        "metrics.host was empty but it must be an address such as 127.0.0.1"));
    }

    @Test
    void quotesTextValuesInRuleMessages() {
        assertThatThrownBy(() -> Demo.TABLE.newValues().set("replay.budget", "0MB").build())
                .hasMessage("replay.budget was '0B' but it must be positive");
    }

    @Test
    void namesSettingsTheWayTheyWereGiven() {
        assertThatThrownBy(() -> Demo.TABLE.newValues().nameKeysAsFlags().set("--replay-k", "-1")
                .set("limit", "-1").set("augment.list", "zoom").build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "--replay-k was -1 but it must be >= 0",
                        "augment: augment had 'zoom' but allowed names are crop, flip, none",
                        "limit was -1 but it must be >= 0"));
        assertThatThrownBy(() -> Demo.TABLE.newValues().nameKeysAsFlags().set("lr", "x").build())
                .hasMessage("lr was 'x' but it must be a number");
        assertThatThrownBy(() -> Demo.TABLE.newValues().set("replay.size", "3").build())
                .hasMessage("unknown key 'replay.size'; known keys are data, source, replay.k, replay.budget, augment,"
                        + " augment.new, lr, colour, limit, metrics.host");
    }

    @Test
    void aLaterValueReplacesAnEarlierOneAndItsProblem() {
        SettingValues v = Demo.TABLE.newValues().set("replay.k", "lots").set("--replay-k", "3")
                .set("colour", "blue").set("colour", "green").build();
        assertThat(v.get(Demo.REPLAY_K)).isEqualTo(3);
        assertThat(v.get(Demo.COLOUR)).isEqualTo(Colour.GREEN);
    }

    @Test
    void aBadTextKeepsThePreviousValueWhichIsStillChecked() {
        assertThatThrownBy(() -> Demo.TABLE.newValues().set("replay.k", "-1").set("replay.k", "x").build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "replay.k was 'x' but it must be a whole number", "replay.k was -1 but it must be >= 0"));
    }

    @Test
    void remembersWhichSettingsWereSet() {
        SettingValues.Builder b = Demo.TABLE.newValues().set("--replay-k", "3").set("augment.list", "crop");
        assertThat(b.isSet("replay.k")).isTrue();
        assertThat(b.isSet("--augment")).isTrue();
        assertThat(b.isSet("lr")).isFalse();
    }

    @Test
    void valuesAreEqualWhenEverySettingIs() {
        SettingValues a = Demo.TABLE.newValues().set("--replay-budget", "8MB").build();
        SettingValues b = Demo.TABLE.newValues().set("replay.budget", "8192KB").build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(Demo.TABLE.newValues().build());
        assertThat(a.toString()).contains("budget=8MB");
    }

    @Test
    void refusesSettingsOfAnotherTable() {
        SettingsTable other = new SettingsTable();
        Setting<Integer> x = other.define("x", SettingType.INT, 1).doc("x");
        assertThatThrownBy(() -> Demo.TABLE.newValues().build().get(x))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x");
    }

    @Test
    void refusesClashingOrBadlyNamedSettings() {
        SettingsTable t = new SettingsTable();
        t.define("augment", SettingType.TEXT, "").doc("list");
        assertThatThrownBy(() -> t.define("augment.new", SettingType.BOOLEAN, false).doc("new"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grouped view");
        assertThatThrownBy(() -> t.define("augment", SettingType.INT, 1).doc("again"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("named 'augment'");
        assertThatThrownBy(() -> t.define("Replay_Budget", SettingType.INT, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> t.define("a.b.c", SettingType.INT, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.define("k", SettingType.INT, -1).check(SettingCheck.atLeast(0)).doc("k"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k was -1 but it must be >= 0");
        assertThat(t.keys()).containsExactly("augment");
    }

    @Test
    void refusesToBeReadWithAnUnfinishedDefinition() {
        SettingsTable t = new SettingsTable();
        t.define("x", SettingType.INT, 1);
        assertThatThrownBy(t::settings).isInstanceOf(IllegalStateException.class).hasMessageContaining("doc(...)");
    }

    @Test
    void checksCombine() {
        SettingCheck<Integer> port = SettingCheck.<Integer>atLeast(0)
                .and(SettingCheck.that(p -> p <= 65535, "in [0, 65535]"));
        assertThat(port.problem("p", 80)).isEmpty();
        assertThat(port.problem("p", -1)).contains("p was -1 but it must be >= 0");
        assertThat(port.problem("p", 70000)).contains("p was 70000 but it must be in [0, 65535]");
        assertThat(SettingCheck.<String>none().problem("x", "anything")).isEmpty();
        assertThat(SettingCheck.<Boolean>that(Boolean::booleanValue, "true").problem("--b", false))
                .contains("--b was false but it must be true");
    }
}
