package io.recship.torchscript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScriptModuleSpecTest {
  private static final TensorData W = TensorData.ofFloats(new long[] {1}, 1f);

  @Test
  void generatesClassWithParametersBuffersTrainingFlagAndTupleReturn() {
    ScriptModuleSpec spec =
        ScriptModuleSpec.builder("Dense")
            .parameter("w1", W)
            .parameter("b1", W)
            .buffer("mask", W)
            .input("a")
            .input("b")
            .statement("x = torch.cat([a, b], 1)")
            .returns(List.of("torch.sigmoid(x)", "x"))
            .build();

    assertThat(spec.source())
        .isEqualTo(
            String.join(
                "\n",
                "class Dense(Module):",
                "  __parameters__ = [\"w1\", \"b1\", ]",
                "  __buffers__ = [\"mask\", ]",
                "  w1 : Tensor",
                "  b1 : Tensor",
                "  mask : Tensor",
                "  training : bool",
                "  def forward(self: __torch__.Dense,",
                "    a: Tensor,",
                "    b: Tensor) -> Tuple[Tensor, Tensor]:",
                "    x = torch.cat([a, b], 1)",
                "    return (torch.sigmoid(x), x)",
                ""));
    assertThat(spec.codePath()).isEqualTo("code/__torch__.py");
    assertThat(spec.parameters().keySet()).containsExactly("w1", "b1");
  }

  @Test
  void singleReturnIsAPlainTensor() {
    ScriptModuleSpec spec = ScriptModuleSpec.builder("M").input("x").returns("x * 2.0").build();
    assertThat(spec.source())
        .contains("  def forward(self: __torch__.M,\n    x: Tensor) -> Tensor:\n")
        .endsWith("    return x * 2.0\n")
        .contains("  __parameters__ = []\n  __buffers__ = []\n");
  }

  @Test
  void dottedClassNameGoesToNestedCodeFile() {
    ScriptModuleSpec spec =
        ScriptModuleSpec.builder("recs.towers.UserModel").input("x").returns("x").build();
    assertThat(spec.codePath()).isEqualTo("code/__torch__/recs/towers.py");
    assertThat(spec.pickleModule()).isEqualTo("__torch__.recs.towers");
    assertThat(spec.simpleName()).isEqualTo("UserModel");
    assertThat(spec.source())
        .startsWith("class UserModel(Module):")
        .contains("self: __torch__.recs.towers.UserModel");
  }

  @Test
  void describesStatementLinesForErrorMessages() {
    ScriptModuleSpec spec =
        ScriptModuleSpec.builder("M").input("x").statement("y = x").statement("z = y").returns("z").build();
    List<String> lines = List.of(spec.source().split("\n"));
    int zLine = lines.indexOf("    z = y") + 1;
    assertThat(spec.describeLine(zLine)).isEqualTo("forward statement 2 of 2");
    assertThat(spec.describeLine(zLine + 1)).isEqualTo("return statement");
    assertThat(spec.describeLine(1)).isEqualTo("generated declaration");
    assertThat(spec.statementIndexAt(zLine)).hasValue(1);
    assertThat(spec.statementIndexAt(zLine - 1)).hasValue(0);
    assertThat(spec.statementIndexAt(zLine + 1)).isEmpty();
    assertThat(spec.statementIndexAt(1)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"class", "lambda", "None", "self", "torch", "training", "forward", "Tensor"})
  void rejectsKeywordsAndReservedNamesAsParameterNames(String name) {
    assertThatThrownBy(() -> ScriptModuleSpec.builder("M").parameter(name, W))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter name '" + name + "'")
        .hasMessageContaining("rename it, e.g. '" + name + "_'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1x", "a-b", "tower.0.weight", "naïve", "", "has space"})
  void rejectsNonIdentifierInputNames(String name) {
    assertThatThrownBy(() -> ScriptModuleSpec.builder("M").input(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input name '" + name + "' is not a valid TorchScript identifier")
        .hasMessageContaining("use ASCII letters, digits and '_'");
  }

  @Test
  void rejectsDunderBufferName() {
    assertThatThrownBy(() -> ScriptModuleSpec.builder("M").buffer("__parameters__", W))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("buffer name '__parameters__' starts with '__'");
  }

  @Test
  void rejectsInvalidClassNameSegment() {
    assertThatThrownBy(() -> ScriptModuleSpec.builder("recs.import.M"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("segment of class name 'recs.import.M'")
        .hasMessageContaining("'import' is a Python keyword");
    assertThatThrownBy(() -> ScriptModuleSpec.builder("My-Model"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("class name 'My-Model'")
        .hasMessageContaining("e.g. 'My_Model'");
    assertThatThrownBy(() -> ScriptModuleSpec.builder("Module"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("class name 'Module' is reserved");
  }

  @Test
  void rejectsDuplicateAttributeAndInputNames() {
    ScriptModuleSpec.Builder b = ScriptModuleSpec.builder("M").parameter("w", W).input("x");
    assertThatThrownBy(() -> b.buffer("w", W))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("buffer name 'w' is already an attribute of M");
    assertThatThrownBy(() -> b.input("x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input name 'x' is declared twice");
  }

  @Test
  void rejectsMultiLineAndBlankStatements() {
    ScriptModuleSpec.Builder b = ScriptModuleSpec.builder("M").input("x");
    assertThatThrownBy(() -> b.statement("y = x\nz = y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("forward statement 1 spans several lines");
    assertThatThrownBy(() -> b.statement("   "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("forward statement 1 is blank");
  }

  @Test
  void requiresAReturnExpression() {
    assertThatThrownBy(() -> ScriptModuleSpec.builder("M").input("x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("forward of M has no return expression");
    assertThatThrownBy(() -> ScriptModuleSpec.builder("M").returns(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must return at least one tensor expression");
  }

  @Test
  void specIsImmutableAfterBuild() {
    ScriptModuleSpec.Builder b = ScriptModuleSpec.builder("M").parameter("w", W).input("x").returns("x");
    ScriptModuleSpec spec = b.build();
    b.parameter("v", W).statement("y = x");
    assertThat(spec.parameters()).containsOnlyKeys("w");
    assertThat(spec.statements()).isEmpty();
    assertThatThrownBy(() -> spec.parameters().put("v", W))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
