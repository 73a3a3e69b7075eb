package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceSpecTest {

    @Test
    void parsesEachDocumentedForm() {
        assertThat(SourceSpec.parse("idx:/data/fm")).isEqualTo(new SourceSpec(SourceSpec.Kind.IDX, "/data/fm", null));
        assertThat(SourceSpec.parse("queue:q").path()).isEqualTo(Path.of("q"));
        SourceSpec kafka = SourceSpec.parse("kafka:localhost:9092/examples");
        assertThat(kafka.location()).isEqualTo("localhost:9092");
        assertThat(kafka.topic()).isEqualTo("examples");
        assertThat(kafka).hasToString("kafka:localhost:9092/examples");
    }

    @Test
    void badFormsNameTheAcceptedOnes() {
        assertThatThrownBy(() -> SourceSpec.parse("files:/x")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("idx:DIR, cifar100:DIR, imagefolder:DIR, several datasets comma-separated"
                        + " (A,B,...), queue:DIR and kafka:HOST:PORT/TOPIC");
        assertThatThrownBy(() -> SourceSpec.parse("kafka:localhost/examples"))
                .hasMessageContaining("kafka:HOST:PORT/TOPIC");
        assertThatThrownBy(() -> SourceSpec.parse("kafka:localhost:9092/")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> SourceSpec.parse("queue:")).hasMessageContaining("needs a location");
    }

    @Test
    void parsesEachDatasetForm() {
        assertThat(SourceSpec.parseDataset("idx:/data/fm")).isEqualTo(new SourceSpec(SourceSpec.Kind.IDX, "/data/fm",
                null));
        assertThat(SourceSpec.parseDataset(" /data/fm ")).as("a bare folder is IDX")
                .isEqualTo(new SourceSpec(SourceSpec.Kind.IDX, "/data/fm", null));
        assertThat(SourceSpec.parseDataset("relative/dir").kind()).isEqualTo(SourceSpec.Kind.IDX);
        assertThat(SourceSpec.parseDataset("/odd/a:b").location()).as("a colon after a slash is part of the folder")
                .isEqualTo("/odd/a:b");
        assertThat(SourceSpec.parseDataset("CIFAR100:/data/c")).isEqualTo(new SourceSpec(SourceSpec.Kind.CIFAR100,
                "/data/c", null));
        assertThat(SourceSpec.parseDataset("imagefolder:/data/in")).hasToString("imagefolder:/data/in");
        assertThat(SourceSpec.parse("cifar100:/data/c").kind()).isEqualTo(SourceSpec.Kind.CIFAR100);
        assertThat(SourceSpec.parse("imagefolder:/data/in").path()).isEqualTo(Path.of("/data/in"));
        for (String dataset : new String[] {"idx:/a", "cifar100:/a", "imagefolder:/a", "idx:/a,cifar100:/b"}) {
            assertThat(SourceSpec.parse(dataset).isDataset()).as(dataset).isTrue();
        }
        assertThat(SourceSpec.parse("queue:/q").isDataset()).isFalse();
        assertThat(SourceSpec.parse("kafka:h:1/t").isDataset()).isFalse();
    }

    @Test
    void aCommaSeparatedListIsAMultiTaskSpecOfItsParts() {
        SourceSpec multi = SourceSpec.parseDataset("/data/fm, cifar100:/data/c");

        assertThat(multi.kind()).isEqualTo(SourceSpec.Kind.MULTI_TASK);
        assertThat(multi).hasToString("idx:/data/fm,cifar100:/data/c");
        assertThat(multi.parts()).containsExactly(new SourceSpec(SourceSpec.Kind.IDX, "/data/fm", null),
                new SourceSpec(SourceSpec.Kind.CIFAR100, "/data/c", null));
        assertThat(SourceSpec.parse(multi.toString())).isEqualTo(multi);
        assertThat(SourceSpec.parse("idx:/a").parts()).containsExactly(SourceSpec.parse("idx:/a"));
        assertThatThrownBy(multi::path).isInstanceOf(IllegalStateException.class);
        assertThat(List.of(SourceSpec.Kind.values())).filteredOn(SourceSpec.Kind::isDataset)
                .containsExactly(SourceSpec.Kind.IDX, SourceSpec.Kind.CIFAR100, SourceSpec.Kind.IMAGEFOLDER,
                        SourceSpec.Kind.MULTI_TASK);
    }

    @Test
    void badDatasetSpecsListTheAllowedForms() {
        String forms = "idx:DIR (or a bare DIR), cifar100:DIR, imagefolder:DIR, or several of these comma-separated"
                + " (A,B,...) for a multi-task dataset";
        assertThatThrownBy(() -> SourceSpec.parseDataset("queue:/q")).isInstanceOf(ConfigurationException.class)
                .hasMessage("data was 'queue:/q' but 'queue:' names no dataset kind; a dataset is " + forms);
        assertThatThrownBy(() -> SourceSpec.parseDataset("cifar10:/c"))
                .hasMessage("data was 'cifar10:/c' but 'cifar10:' names no dataset kind; a dataset is " + forms);
        assertThatThrownBy(() -> SourceSpec.parseDataset(" ")).hasMessage("data was ' ' but a dataset is " + forms);
        assertThatThrownBy(() -> SourceSpec.parseDataset("idx:/a,,/b"))
                .hasMessage("data was 'idx:/a,,/b' but a multi-task list has an empty part; write each dataset as "
                        + forms);
        assertThatThrownBy(() -> SourceSpec.parseDataset("cifar100:")).hasMessageContaining("needs a location");
        assertThatThrownBy(() -> SourceSpec.parse("idx:/a,queue:/q")).isInstanceOf(ConfigurationException.class)
                .hasMessage("source was 'idx:/a,queue:/q' but a multi-task list holds datasets only, and 'queue:/q'"
                        + " is a queue stream; write each part as idx:DIR, cifar100:DIR or imagefolder:DIR");
        assertThatThrownBy(() -> SourceSpec.parse("idx:/a,/b")).as("--source parts need their prefix")
                .hasMessageContaining("allowed forms are idx:DIR");
    }
}
