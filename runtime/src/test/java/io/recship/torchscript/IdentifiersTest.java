package io.recship.torchscript;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {
  @ParameterizedTest
  @CsvSource({
    "tower.0.weight, tower_0_weight",
    "user, user",
    "0.bias, m0_bias",
    "__parameters__, u__parameters__",
    "self, self_",
    "class, class_",
    "Tensor, Tensor_",
    "naïve, na_ve",
    "'', x"
  })
  void sanitizeMapsNamesToTheIdentifierTheTracerUses(String raw, String expected) {
    assertThat(Identifiers.sanitize(raw)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "1x", "a-b", "tower.0.weight", "naïve", "has space", "__x", "_", "None",
        "lambda", "self", "torch", "training", "forward", "math", "ops", "9", "__", ".__x"})
  void sanitizedNamesPassTheCheckTheArchiveWriterApplies(String raw) {
    String name = Identifiers.sanitize(raw);
    assertThat(Identifiers.check("name", name)).isEqualTo(name);
  }
}
