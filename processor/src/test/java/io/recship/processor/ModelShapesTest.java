package io.recship.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.recship.processor.Fixtures.compile;
import static io.recship.processor.Fixtures.twoOutputDense;
import static io.recship.processor.Fixtures.validModel;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Models written in the other shapes Java and Kotlin allow: generic and inherited archs, records,
 * record-style getters, interfaces, checked exceptions, and resource names. Each either compiles
 * to a working exporter or fails with an error at the member the user must change; none may
 * compile silently without an exporter or leave an error inside the generated file.
 */
class ModelShapesTest {
  private static final String HEADER = String.join("\n",
      "import io.recship.annotations.DenseArch;",
      "import io.recship.annotations.ExportOutput;",
      "import io.recship.annotations.RecModel;",
      "import io.recship.annotations.SparseArch;",
      "import io.recship.nn.Module;",
      "import io.recship.sparse.SparseModel;",
      "import io.recship.tensor.Blocks;",
      "import io.recship.tensor.Tensor;",
      "");

  private static final String CONFIGS = "fg = \"valid/fg.json\", mc = \"valid/mc.json\"";

  private static JavaFileObject source(String name, String... lines) {
    String pkg = name.substring(0, name.lastIndexOf('.'));
    return JavaFileObjects.forSourceString(name,
        "package " + pkg + ";\n" + HEADER + String.join("\n", lines) + "\n");
  }

  /** Line {@code n} (1-based) of {@link #source}'s {@code lines}, as javac counts the file. */
  private static long line(int n) {
    return 1 + HEADER.split("\n", -1).length - 1 + n;
  }

  private static String exporter(Compilation compilation, String name) {
    try {
      return compilation.generatedSourceFile(name).orElseThrow().getCharContent(true).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ generic archs

  @Test
  void archDeclaredAsATypeVariableOfABaseClassIsReadAsTheBoundType() {
    Compilation compilation = compile(
        source("com.acme.BaseModel",
            "public abstract class BaseModel<D extends Module> {",
            "  @SparseArch SparseModel sparse;",
            "  @DenseArch D dense;",
            "}"),
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public class CtrModel extends BaseModel<CtrDense> {}"),
        twoOutputDense());

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("CtrDense dense = model.dense;", "CtrDense.CtrCvr out = dense.forward(blocks);");
  }

  @Test
  void genericModelTakesAWildcardAndReadsItsArchAsTheBound() {
    Compilation compilation = compile(
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public class CtrModel<D extends CtrDense> {",
            "  @SparseArch SparseModel sparse;",
            "  @DenseArch D dense;",
            "}"),
        twoOutputDense());

    // -Xlint:all is on: a raw CtrModel in the generated file would warn
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("builder(CtrModel<?> model)", "CtrDense dense = model.dense;");
  }

  @Test
  void forwardInheritedFromAGenericBaseIsResolvedForTheDenseType() {
    Compilation compilation = compile(
        source("com.acme.BaseDense",
            "public abstract class BaseDense<I, O> extends Module {",
            "  @ExportOutput({\"ctr\", \"cvr\"})",
            "  public abstract O forward(I in);",
            "}"),
        source("com.acme.CtrDense",
            "public final class CtrDense extends BaseDense<Blocks, CtrDense.Pair<Tensor>> {",
            "  public record Pair<A>(A ctr, A cvr) {}",
            "  @Override public Pair<Tensor> forward(Blocks in) {",
            "    return new Pair<>(in.get(\"user\"), in.get(\"item\"));",
            "  }",
            "}"),
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public class CtrModel {",
            "  @SparseArch SparseModel sparse;",
            "  @DenseArch CtrDense dense;",
            "}"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("CtrDense.Pair<Tensor> out = dense.forward(blocks);",
            "return Arrays.asList(out.ctr(), out.cvr());");
  }

  @Test
  void denseArchWithAWildcardReadsTheForwardOutputAsItsBound() {
    Compilation compilation = compile(
        source("com.acme.HeadDense",
            "public class HeadDense<O extends Tensor> extends Module {",
            "  @ExportOutput(\"score\")",
            "  public O forward(Blocks in) { throw new UnsupportedOperationException(); }",
            "}"),
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public class CtrModel {",
            "  @SparseArch SparseModel sparse;",
            "  @DenseArch HeadDense<?> dense;",
            "}"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("HeadDense<?> dense = model.dense;", "dense.forward(blocks)");
  }

  @Test
  void denseArchWhoseWildcardLeavesTheInputOpenIsToldToNameIt() {
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(" + CONFIGS + ")",
        "public class CtrModel {",
        "  @SparseArch SparseModel sparse;",
        "  @DenseArch InputDense<?> dense;",
        "}");
    JavaFileObject dense = source("com.acme.InputDense",
        "public class InputDense<I> extends Module {",
        "  @ExportOutput(\"score\")",
        "  public Tensor forward(I in) { throw new UnsupportedOperationException(); }",
        "}");
    Compilation compilation = compile(model, dense);

    assertThat(compilation).hadErrorContaining("[DENSE-IN] dense model 'InputDense': forward must"
            + " take a single Blocks (or Map<String, Tensor>) of mc blocks, not ?; the @DenseArch"
            + " type InputDense<?> leaves it open: declare the arch as InputDense<Blocks>")
        .inFile(dense).onLine(line(3));
    assertThat(compilation.errors()).hasSize(1);
  }

  @Test
  void genericForwardMethodIsOneErrorAskingForFixedTypes() {
    JavaFileObject dense = source("com.acme.CtrDense",
        "public class CtrDense extends Module {",
        "  @ExportOutput(\"score\")",
        "  public <T extends Tensor> T forward(Blocks in) { throw new IllegalStateException(); }",
        "}");
    Compilation compilation = compile(dense,
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public class CtrModel {",
            "  @SparseArch SparseModel sparse;",
            "  @DenseArch CtrDense dense;",
            "}"));

    assertThat(compilation).hadErrorContaining("[DENSE-OUT] dense model 'CtrDense': forward is a"
            + " generic method <T>; the exported forward is traced and called with fixed types:"
            + " drop its type parameters and return Tensor or a record of Tensors")
        .inFile(dense).onLine(line(3));
    assertThat(compilation.errors()).hasSize(1);
  }

  @Test
  void denseArchBoundByAnIntersectionIsToldToNameOneClass() {
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(" + CONFIGS + ")",
        "public class CtrModel<D extends Module & Scorer> {",
        "  @SparseArch SparseModel sparse;",
        "  @DenseArch D dense;",
        "}");
    Compilation compilation = compile(model,
        source("com.acme.Scorer",
            "public interface Scorer {",
            "  @ExportOutput(\"score\") Tensor forward(Blocks in);",
            "}"));

    assertThat(compilation).hadErrorContaining("[EXP-ARGS] @DenseArch field 'dense' of CtrModel"
            + " has type D, bound by io.recship.nn.Module&com.acme.Scorer; the generated"
            + " CtrModelExporter declares the dense net with one type: bound D by one class that"
            + " extends Module and has the @ExportOutput forward")
        .inFile(model).onLine(line(4));
    assertThat(compilation.errors()).hasSize(1);
  }

  @Test
  void kotlinDataClassOutputIsReadThroughItsComponentFunctions() {
    // what kapt's stub of `data class CtrCvr(val ctr: Tensor, val cvr: Tensor)` declares
    Compilation compilation = compile(
        source("com.acme.CtrCvr",
            "public final class CtrCvr {",
            "  private final Tensor ctr;",
            "  private final Tensor cvr;",
            "  public CtrCvr(Tensor ctr, Tensor cvr) { this.ctr = ctr; this.cvr = cvr; }",
            "  public final Tensor getCtr() { return ctr; }",
            "  public final Tensor getCvr() { return cvr; }",
            "  public final Tensor component1() { return ctr; }",
            "  public final Tensor component2() { return cvr; }",
            "}"),
        source("com.acme.CtrDense",
            "public final class CtrDense extends Module {",
            "  @ExportOutput({\"ctr\", \"cvr\"})",
            "  public CtrCvr forward(Blocks in) { return new CtrCvr(in.get(\"user\"), in.get(\"item\")); }",
            "}"),
        Fixtures.validModel());

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("CtrCvr out = dense.forward(blocks);",
            "return Arrays.asList(out.component1(), out.component2());");
  }

  @Test
  void kotlinDataClassOutputNamedOutOfPropertyOrderIsRejected() {
    // kapt's stub of `data class CtrCvr(val ctr: Tensor, val cvr: Tensor)`, exported as (cvr, ctr)
    JavaFileObject dense = source("com.acme.CtrDense",
        "public final class CtrDense extends Module {",
        "  @ExportOutput({\"cvr\", \"ctr\"})",
        "  public CtrCvr forward(Blocks in) { return new CtrCvr(in.get(\"user\"), in.get(\"item\")); }",
        "}");
    Compilation compilation = compile(
        source("com.acme.CtrCvr",
            "public final class CtrCvr {",
            "  private final Tensor ctr;",
            "  private final Tensor cvr;",
            "  public CtrCvr(Tensor ctr, Tensor cvr) { this.ctr = ctr; this.cvr = cvr; }",
            "  public final Tensor component1() { return ctr; }",
            "  public final Tensor component2() { return cvr; }",
            "}"),
        dense,
        Fixtures.validModel());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("output 1 is named 'cvr', but the component cvr is"
        + " output 2").inFile(dense).onLine(line(2));
  }

  @Test
  void dataClassWithANonTensorPropertyIsRejectedNamingIt() {
    JavaFileObject dense = source("com.acme.CtrDense",
        "public final class CtrDense extends Module {",
        "  public static final class Out {",
        "    public Tensor component1() { return null; }",
        "    public String component2() { return null; }",
        "  }",
        "  @ExportOutput({\"ctr\", \"label\"})",
        "  public Out forward(Blocks in) { return new Out(); }",
        "}");
    Compilation compilation = compile(Fixtures.validModel(), dense);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("returns data class Out whose components"
        + " [component2() (java.lang.String)] are not Tensor").inFile(dense).onLine(line(7));
  }

  @Test
  void recordWithANonTensorComponentIsRejectedNamingIt() {
    JavaFileObject dense = source("com.acme.CtrDense",
        "public final class CtrDense extends Module {",
        "  public record Out(Tensor ctr, String label) {}",
        "  @ExportOutput({\"ctr\", \"label\"})",
        "  public Out forward(Blocks in) { return new Out(in.get(\"user\"), \"x\"); }",
        "}");
    Compilation compilation = compile(Fixtures.validModel(), dense);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("returns record Out whose components"
        + " [label (java.lang.String)] are not Tensor; every component of the output record must"
        + " be a Tensor").inFile(dense).onLine(line(4));
  }

  // ------------------------------------------------------------------ nullable outputs

  /** kapt writes JetBrains' annotations for Kotlin nullability; stand-ins for them here. */
  private static final JavaFileObject JETBRAINS_NULLABLE = JavaFileObjects.forSourceString(
      "org.jetbrains.annotations.Nullable",
      "package org.jetbrains.annotations; public @interface Nullable {}");
  private static final JavaFileObject JETBRAINS_NOT_NULL = JavaFileObjects.forSourceString(
      "org.jetbrains.annotations.NotNull",
      "package org.jetbrains.annotations; public @interface NotNull {}");

  @Test
  void kotlinDataClassOutputWithANullableComponentIsRejectedAtTheForwardNamingTheOutput() {
    // kapt's stub of `data class Pair2(val click: Tensor, val share: Tensor?)`
    JavaFileObject pair = source("com.acme.Pair2",
        "public final class Pair2 {",
        "  @org.jetbrains.annotations.NotNull private final Tensor click;",
        "  @org.jetbrains.annotations.Nullable private final Tensor share;",
        "  public Pair2(@org.jetbrains.annotations.NotNull Tensor click,",
        "      @org.jetbrains.annotations.Nullable Tensor share) {",
        "    this.click = click; this.share = share;",
        "  }",
        "  @org.jetbrains.annotations.NotNull public final Tensor getClick() { return click; }",
        "  @org.jetbrains.annotations.Nullable public final Tensor getShare() { return share; }",
        "  @org.jetbrains.annotations.NotNull public final Tensor component1() { return click; }",
        "  @org.jetbrains.annotations.Nullable public final Tensor component2() { return share; }",
        "}");
    JavaFileObject dense = source("com.acme.CtrDense",
        "public final class CtrDense extends Module {",
        "  @ExportOutput({\"click\", \"share\"})",
        "  @org.jetbrains.annotations.NotNull",
        "  public final Pair2 forward(@org.jetbrains.annotations.NotNull Blocks in) {",
        "    return new Pair2(in.get(\"user\"), null);",
        "  }",
        "}");
    Compilation compilation =
        compile(pair, dense, validModel(), JETBRAINS_NULLABLE, JETBRAINS_NOT_NULL);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[DENSE-OUT] dense model 'CtrDense': forward: output"
            + " 'share' (component2()) is @Nullable in Pair2, so it may be null; an exported graph"
            + " returns every output on every call: declare it Tensor, not Tensor?")
        .inFile(dense).onLine(line(4));
  }

  @Test
  void kotlinForwardDeclaredToReturnANullableTensorIsRejectedAtTheForward() {
    // kapt's stub of `@ExportOutput("score") fun forward(blocks: Blocks): Tensor?`
    JavaFileObject dense = source("com.acme.CtrDense",
        "public final class CtrDense extends Module {",
        "  @ExportOutput(\"score\")",
        "  @org.jetbrains.annotations.Nullable",
        "  public final Tensor forward(@org.jetbrains.annotations.NotNull Blocks blocks) {",
        "    return blocks.get(\"user\");",
        "  }",
        "}");
    Compilation compilation =
        compile(dense, validModel(), JETBRAINS_NULLABLE, JETBRAINS_NOT_NULL);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[DENSE-OUT] dense model 'CtrDense': forward"
            + " returns a @Nullable Tensor, so output 'score' may be null; an exported graph"
            + " returns every output on every call: declare it Tensor, not Tensor?")
        .inFile(dense).onLine(line(4));
  }

  @Test
  void typeUseNullableOnTheForwardsReturnTypeIsRejected() {
    // JSpecify's @Nullable is TYPE_USE only: javac puts it on the return type, not the method
    JavaFileObject typeUse = source("com.acme.CtrDense",
        "public final class CtrDense extends Module {",
        "  @ExportOutput(\"score\")",
        "  public io.recship.tensor.@org.jspecify.annotations.Nullable Tensor forward(Blocks in) {",
        "    return in.get(\"user\");",
        "  }",
        "}");
    Compilation compilation = compile(typeUse, validModel());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("forward returns a @Nullable Tensor, so output"
        + " 'score' may be null").inFile(typeUse).onLine(line(3));
  }

  @Test
  void recordOutputWithANullableComponentIsRejectedAtTheForward() {
    JavaFileObject dense = source("com.acme.CtrDense",
        "import org.jspecify.annotations.Nullable;",
        "public final class CtrDense extends Module {",
        "  public record Out(Tensor ctr, @Nullable Tensor cvr) {}",
        "  @ExportOutput({\"ctr\", \"cvr\"})",
        "  public Out forward(Blocks in) { return new Out(in.get(\"user\"), null); }",
        "}");
    Compilation compilation = compile(dense, validModel());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("output 'cvr' (cvr) is @Nullable in Out, so it"
        + " may be null").inFile(dense).onLine(line(5));
  }

  @Test
  void denseArchDeclaredAsModuleAsksForTheConcreteClass() {
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(" + CONFIGS + ")",
        "public class CtrModel {",
        "  @SparseArch SparseModel sparse;",
        "  @DenseArch Module dense;",
        "}");
    Compilation compilation = compile(model, twoOutputDense());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("@DenseArch field 'dense' of CtrModel has type"
            + " Module, which declares no forward to export; declare it with your dense net's own"
            + " class").inFile(model).onLine(line(4));
  }

  // ------------------------------------------------------------------ records and getters

  @Test
  void recordModelReadsItsAnnotatedComponentsThroughTheAccessors() {
    Compilation compilation = compile(
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public record CtrModel(@SparseArch SparseModel sparse, @DenseArch CtrDense dense) {}"),
        twoOutputDense());

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("CtrDense dense = model.dense();", "model.sparse(), model.dense(), outputs(model)");
  }

  @Test
  void privateFieldIsReadThroughARecordStyleGetter() {
    Compilation compilation = compile(
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public class CtrModel {",
            "  @SparseArch private SparseModel sparse;",
            "  @DenseArch private CtrDense dense;",
            "  public SparseModel sparse() { return sparse; }",
            "  public CtrDense dense() { return dense; }",
            "}"),
        twoOutputDense());

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("CtrDense dense = model.dense();", "model.sparse(), model.dense(), outputs(model)");
  }

  @Test
  void aModelInsidePrivateClassIsToldToOpenThatClass() {
    JavaFileObject models = source("com.acme.Models",
        "public class Models {",
        "  private static class Inner {",
        "    @RecModel(" + CONFIGS + ")",
        "    static final class Hidden {",
        "      @SparseArch SparseModel sparse;",
        "      @DenseArch CtrDense dense;",
        "    }",
        "  }",
        "}");
    Compilation compilation = compile(models, twoOutputDense());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("@RecModel class Hidden is inside private Inner,"
        + " but the generated Models_Inner_HiddenExporter in package com.acme takes it as a"
        + " parameter; make Inner package-private or public").inFile(models).onLine(line(3));
  }

  /** kapt's stubs keep @kotlin.Metadata on each class; a stand-in for it. */
  private static final JavaFileObject KOTLIN_METADATA = JavaFileObjects.forSourceString(
      "kotlin.Metadata", "package kotlin; public @interface Metadata {}");

  @Test
  void kotlinObjectModelIsOneErrorAtTheModelNotOnePerStaticArch() {
    // kapt's stub of `@RecModel object CtrModel { @SparseArch val sparse = ...; @DenseArch val dense = ... }`
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(" + CONFIGS + ")",
        "@kotlin.Metadata",
        "public final class CtrModel {",
        "  @SparseArch private static final SparseModel sparse = null;",
        "  @DenseArch private static final CtrDense dense = null;",
        "  public static final CtrModel INSTANCE = null;",
        "  private CtrModel() {}",
        "  public final SparseModel getSparse() { return sparse; }",
        "  public final CtrDense getDense() { return dense; }",
        "}");
    Compilation compilation = compile(model, twoOutputDense(), KOTLIN_METADATA);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[EXP-ARGS] CtrModel is a Kotlin object; make it a"
            + " class (the exporter reads the archs of the model instance you pass)")
        .inFile(model).onLine(line(1));
  }

  @Test
  void kotlinObjectModelStillHasItsDenseForwardChecked() {
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(" + CONFIGS + ")",
        "@kotlin.Metadata",
        "public final class CtrModel {",
        "  @SparseArch private static final SparseModel sparse = null;",
        "  @DenseArch private static final CtrDense dense = null;",
        "  public static final CtrModel INSTANCE = null;",
        "  private CtrModel() {}",
        "  public final SparseModel getSparse() { return sparse; }",
        "  public final CtrDense getDense() { return dense; }",
        "}");
    JavaFileObject dense = source("com.acme.CtrDense",
        "public final class CtrDense extends Module {",
        "  @ExportOutput(\"score\")",
        "  public Tensor forward(Tensor user, Tensor item) { return user; }",
        "}");
    Compilation compilation = compile(model, dense, KOTLIN_METADATA);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation).hadErrorContaining("is a Kotlin object").inFile(model);
    assertThat(compilation).hadErrorContaining("forward must take a single Blocks")
        .inFile(dense).onLine(line(3));
  }

  @Test
  void kotlinForwardWithADefaultArgumentIsToldThatItIsStillAParameter() {
    // kapt's stub of `@ExportOutput("score") fun forward(blocks: Blocks, train: Boolean = false)`
    JavaFileObject dense = source("com.acme.CtrDense",
        "@kotlin.Metadata",
        "public final class CtrDense extends Module {",
        "  @ExportOutput(\"score\")",
        "  public final Tensor forward(Blocks blocks, boolean train) { return blocks.get(\"user\"); }",
        "}");
    Compilation compilation = compile(validModel(), dense, KOTLIN_METADATA);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[DENSE-IN] dense model 'CtrDense': forward must"
            + " take a single Blocks (or Map<String, Tensor>) of mc blocks; it takes 2 parameters"
            + " (a Kotlin default argument is still a parameter)")
        .inFile(dense).onLine(line(4));
  }

  @Test
  void aKotlinDenseClassWithoutExportOutputGetsTheHintInKotlin() {
    JavaFileObject dense = source("com.acme.CtrDense",
        "@kotlin.Metadata",
        "public final class CtrDense extends Module {",
        "  public final Tensor forward(Blocks blocks) { return blocks.get(\"user\"); }",
        "}");
    Compilation compilation = compile(validModel(), dense, KOTLIN_METADATA);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("has no @ExportOutput method; annotate its forward"
        + " method, e.g. @ExportOutput(\"score\") fun forward(blocks: Blocks): Tensor");
  }

  @Test
  void privateNestedModelIsOneErrorNotOnePerArch() {
    JavaFileObject models = source("com.acme.Models",
        "public class Models {",
        "  @RecModel(" + CONFIGS + ")",
        "  private static final class Hidden {",
        "    @SparseArch private SparseModel sparse;",
        "    @DenseArch private CtrDense dense;",
        "  }",
        "}");
    Compilation compilation = compile(models, twoOutputDense());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[EXP-ARGS] @RecModel class Hidden is private, but the"
            + " generated Models_HiddenExporter in package com.acme takes it as a parameter; make it"
            + " package-private or public")
        .inFile(models).onLine(line(2));
  }

  @Test
  void kotlinInternalPropertyIsReadThroughItsModuleMangledGetter() {
    // kapt's stub of `@SparseArch internal val sparse`: a private field and a public getter whose
    // JVM name carries the Kotlin module's name
    Compilation compilation = compile(
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public final class CtrModel {",
            "  @SparseArch private final SparseModel sparse = null;",
            "  @DenseArch CtrDense dense;",
            "  public final SparseModel getSparse$shop_models() { return sparse; }",
            "}"),
        twoOutputDense());

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("model.getSparse$shop_models(), model.dense, outputs(model)");
  }

  @Test
  void kotlinLazyPropertyIsReadThroughItsGetter() {
    // kapt's stub of `@delegate:SparseArch val sparse by lazy { ... }`: the annotation is on the delegate
    Compilation compilation = compile(
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public final class CtrModel {",
            "  @SparseArch private final java.util.function.Supplier<SparseModel> sparse$delegate = null;",
            "  @DenseArch CtrDense dense;",
            "  public final SparseModel getSparse() { return sparse$delegate.get(); }",
            "}"),
        twoOutputDense());

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("model.getSparse(), model.dense, outputs(model)");
  }

  @Test
  void protectedGetterInAnotherPackageIsNamedOnTheModel() {
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(" + CONFIGS + ")",
        "public class CtrModel extends com.base.Base {",
        "  @DenseArch CtrDense dense;",
        "}");
    Compilation compilation = compile(
        source("com.base.Base",
            "public abstract class Base {",
            "  @SparseArch private SparseModel sparse;",
            "  protected SparseModel getSparse() { return sparse; }",
            "}"),
        model, twoOutputDense());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("@SparseArch field 'sparse' of CtrModel (inherited"
            + " from com.base.Base) is private and its getter getSparse() is protected in"
            + " com.base.Base, so the generated CtrModelExporter in package com.acme cannot call"
            + " it without reflection; make the getter public")
        .inFile(model).onLine(line(1));
  }

  @Test
  void publicArchesInheritedThroughAPackagePrivateBaseInAnotherPackageAreRead() {
    // javac accepts model.sparse here: the access goes through public CtrModel, as
    // StringBuilder's methods inherited from package-private AbstractStringBuilder do
    Compilation compilation = compile(
        source("com.base.Base",
            "abstract class Base {",
            "  @SparseArch public SparseModel sparse;",
            "  private com.acme.CtrDense dense;",
            "  @DenseArch public com.acme.CtrDense getDense() { return dense; }",
            "}"),
        source("com.base.Mid", "public abstract class Mid extends Base {}"),
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public class CtrModel extends com.base.Mid {}"),
        twoOutputDense());

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("CtrDense dense = model.getDense();", "model.sparse, model.getDense(), outputs(model)");
  }

  @Test
  void publicForwardInheritedThroughAPackagePrivateBaseInAnotherPackageIsCalled() {
    Compilation compilation = compile(
        source("com.base.BaseDense",
            "abstract class BaseDense extends Module {",
            "  @ExportOutput(\"score\")",
            "  public Tensor forward(Blocks in) { return in.get(\"user\"); }",
            "}"),
        source("com.base.ScoreDense", "public final class ScoreDense extends BaseDense {}"),
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public class CtrModel {",
            "  @SparseArch SparseModel sparse;",
            "  @DenseArch com.base.ScoreDense dense;",
            "}"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("ScoreDense dense = model.dense;", "dense.forward(blocks)");
  }

  @Test
  void packagePrivateForwardOfABaseInAnotherPackageIsStillRefused() {
    JavaFileObject base = source("com.base.BaseDense",
        "public abstract class BaseDense extends Module {",
        "  @ExportOutput(\"score\")",
        "  Tensor forward(Blocks in) { return in.get(\"user\"); }",
        "}");
    Compilation compilation = compile(base,
        source("com.base.ScoreDense", "public final class ScoreDense extends BaseDense {}"),
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public class CtrModel {",
            "  @SparseArch SparseModel sparse;",
            "  @DenseArch com.base.ScoreDense dense;",
            "}"));

    assertThat(compilation).hadErrorContaining("[DENSE-IN] dense model 'ScoreDense': forward is"
            + " not visible from package com.acme")
        .inFile(base).onLine(line(3));
  }

  @Test
  void kotlinNullableArchIsAWarningAtTheModelNamingLateinit() {
    // what kapt's stub of `@DenseArch var dense: CtrDense? = null` declares
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(" + CONFIGS + ")",
        "public final class CtrModel {",
        "  @SparseArch private final SparseModel sparse = null;",
        "  @DenseArch @org.jetbrains.annotations.Nullable private CtrDense dense;",
        "  public final SparseModel getSparse() { return sparse; }",
        "  @org.jetbrains.annotations.Nullable public final CtrDense getDense() { return dense; }",
        "  public final void setDense(@org.jetbrains.annotations.Nullable CtrDense d) { dense = d; }",
        "}");
    Compilation compilation = compile(model, twoOutputDense(), JETBRAINS_NULLABLE);

    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation).hadWarningContaining("[EXP-ARGS] @DenseArch field 'dense' of CtrModel"
        + " is declared nullable, but the export needs the dense net, so CtrModelExporter fails"
        + " if it is still null then; declare it non-null (Kotlin: lateinit var or val, not"
        + " CtrDense?)");
  }

  @Test
  void exportOutputOnAnInterfaceMethodIsFound() {
    Compilation compilation = compile(
        source("com.acme.Scorer",
            "public interface Scorer {",
            "  @ExportOutput(\"score\")",
            "  Tensor forward(Blocks in);",
            "}"),
        source("com.acme.CtrDense",
            "public final class CtrDense extends Module implements Scorer {",
            "  @Override public Tensor forward(Blocks in) { return in.get(\"user\"); }",
            "}"),
        source("com.acme.CtrModel",
            "@RecModel(" + CONFIGS + ")",
            "public class CtrModel {",
            "  @SparseArch SparseModel sparse;",
            "  @DenseArch CtrDense dense;",
            "}"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("DenseForward forward = blocks -> Collections.singletonList(dense.forward(blocks));");
  }

  // ------------------------------------------------------------------ checked exceptions

  @Test
  void forwardDeclaringACheckedExceptionIsRejectedAtTheMethod() {
    JavaFileObject dense = source("com.acme.CtrDense",
        "public final class CtrDense extends Module {",
        "  @ExportOutput(\"score\")",
        "  public Tensor forward(Blocks in) throws java.io.IOException {",
        "    return in.get(\"user\");",
        "  }",
        "}");
    Compilation compilation = compile(Fixtures.validModel(), dense);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[DENSE-IN] dense model 'CtrDense': forward declares"
            + " checked exceptions [java.io.IOException]")
        .inFile(dense).onLine(line(3));
  }

  @Test
  void archGetterDeclaringACheckedExceptionIsRejectedAtTheGetter() {
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(" + CONFIGS + ")",
        "public class CtrModel {",
        "  @SparseArch SparseModel sparse() throws Exception { return null; }",
        "  @DenseArch CtrDense dense;",
        "}");
    Compilation compilation = compile(model, twoOutputDense());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("@SparseArch method 'sparse' of CtrModel declares"
            + " checked exceptions [java.lang.Exception]; the generated CtrModelExporter calls it"
            + " directly").inFile(model).onLine(line(3));
  }

  // ------------------------------------------------------------------ kinds and resource names

  @Test
  void recModelOnAnInterfaceSaysWhereItGoes() {
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(" + CONFIGS + ")",
        "public interface CtrModel {",
        "  @SparseArch SparseModel sparse();",
        "  @DenseArch CtrDense dense();",
        "}");
    Compilation compilation = compile(model, twoOutputDense());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("[EXP-ARGS] @RecModel goes on a class holding the"
            + " sparse and dense archs, not on an interface; make CtrModel a final class with"
            + " fields or getters").inFile(model).onLine(line(1));
  }

  @Test
  void recModelOnAnEnumNamesTheRuleAndTheFix() {
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(" + CONFIGS + ")",
        "public enum CtrModel {",
        "  INSTANCE;",
        "  @SparseArch SparseModel sparse;",
        "  @DenseArch CtrDense dense;",
        "}");
    Compilation compilation = compile(model, twoOutputDense());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("[EXP-ARGS] @RecModel goes on a class holding the"
            + " sparse and dense archs, not on an enum; make CtrModel a final class with fields or"
            + " getters").inFile(model).onLine(line(1));
  }

  @Test
  void absoluteFilePathAsAResourceNameIsToldResourcesAreClasspathRelative() {
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(fg = \"/home/me/shop/src/main/resources/ctr/fg.json\", mc = \"valid/mc.json\")",
        "public class CtrModel {",
        "  @SparseArch SparseModel sparse;",
        "  @DenseArch CtrDense dense;",
        "}");
    Compilation compilation = compile(model, twoOutputDense());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("A leading '/' does not make"
            + " '/home/me/shop/src/main/resources/ctr/fg.json' a file path: resources are"
            + " classpath-relative, so name it as it lies under src/main/resources, e.g."
            + " \"ctr/fg.json\"").inFile(model).onLine(line(1));
  }

  @Test
  void missingResourceWithALeadingSlashSuggestsAClasspathRelativeName() {
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(fg = \"valid/fg.json\", mc = \"/x/y.json\")",
        "public class CtrModel {",
        "  @SparseArch SparseModel sparse;",
        "  @DenseArch CtrDense dense;",
        "}");
    Compilation compilation = compile(model, twoOutputDense());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("@RecModel mc resource 'x/y.json' not found");
    assertThat(compilation).hadErrorContaining("A leading '/' does not make '/x/y.json' a file"
        + " path: resources are classpath-relative, so name it as it lies under src/main/resources,"
        + " e.g. \"ctr/mc.json\"").inFile(model).onLine(line(1));
  }

  @Test
  void resourceNameWithALeadingSlashIsLookedUpLikeTheRuntimeDoes() {
    Compilation compilation = compile(
        source("com.acme.CtrModel",
            "@RecModel(fg = \"/valid/fg.json\", mc = \"/valid/mc.json\")",
            "public class CtrModel {",
            "  @SparseArch SparseModel sparse;",
            "  @DenseArch CtrDense dense;",
            "}"),
        twoOutputDense());

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(exporter(compilation, "com.acme.CtrModelExporter"))
        .contains("FG_RESOURCE = \"/valid/fg.json\"");
  }

  @Test
  void resourceNamesThatWorkOnlyFromADirectoryAreRejected() {
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(fg = \"./valid/fg.json\", mc = \"valid\\\\mc.json\")",
        "public class CtrModel {",
        "  @SparseArch SparseModel sparse;",
        "  @DenseArch CtrDense dense;",
        "}");
    Compilation compilation = compile(model, twoOutputDense());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("@RecModel fg resource './valid/fg.json' has an"
        + " empty, '.' or '..' path segment, which a class loader resolves in a directory but not"
        + " inside a jar").inFile(model).onLine(line(1));
    assertThat(compilation).hadErrorContaining("@RecModel mc resource 'valid\\mc.json' contains"
        + " '\\'; resource names use '/' on every OS").inFile(model).onLine(line(1));
  }

  @Test
  void mcWithNoBlocksFailsTheCompile() {
    JavaFileObject model = source("com.acme.CtrModel",
        "@RecModel(fg = \"noblocks/fg.json\", mc = \"noblocks/mc.json\")",
        "public class CtrModel {",
        "  @SparseArch SparseModel sparse;",
        "  @DenseArch CtrDense dense;",
        "}");
    Compilation compilation = compile(model, twoOutputDense());

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("[MC-EMPTY] noblocks/mc.json:1:")
        .inFile(model).onLine(line(1));
    assertThat(compilation).hadErrorContaining("declares no blocks");
  }
}
