package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import java.nio.file.Path;
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
                .hasMessageContaining("idx:DIR, queue:DIR and kafka:HOST:PORT/TOPIC");
        assertThatThrownBy(() -> SourceSpec.parse("kafka:localhost/examples"))
                .hasMessageContaining("kafka:HOST:PORT/TOPIC");
        assertThatThrownBy(() -> SourceSpec.parse("kafka:localhost:9092/")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> SourceSpec.parse("queue:")).hasMessageContaining("needs a location");
    }
}
