package io.recship.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import io.recship.annotations.RecModel;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.annotation.processing.Filer;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@code <Model>Exporter}: its {@code builder(model)} returns the runtime's {@code
 * ExportPlan.Builder} pre-filled from the model (archs read directly, the {@code @ExportOutput}
 * method called through a lambda, the declared configs), so nothing at export time needs
 * reflection and the RecIS parameters live in one place, the runtime.
 *
 * <p>In three steps, so that JavaPoet can run on the {@link Worker}: {@link #source} reads the
 * model API on javac's thread, {@link #render} writes the text from plain values anywhere, {@link
 * #write} hands it to javac's Filer.
 */
final class ExporterWriter {
  static final String EXPORT_PACKAGE = "io.recship.export";
  static final String EXPORT_PLAN = EXPORT_PACKAGE + ".ExportPlan";
  static final String DENSE_FORWARD = EXPORT_PACKAGE + ".DenseForward";
  static final String DENSE_OUTPUTS = EXPORT_PACKAGE + ".DenseOutputs";
  static final String DECLARED_CONFIG = EXPORT_PACKAGE + ".DeclaredConfig";
  static final String GENERATED = "javax.annotation.processing.Generated";
  static final String NULL_MARKED = "org.jspecify.annotations.NullMarked";
  /** The generated constant holding the {@code DeclaredConfig}. */
  static final String CONFIG_CONSTANT = "CONFIG";

  /**
   * Everything the exporter's source says, as plain values and JavaPoet names (immutable, no
   * javac model objects).
   *
   * @param modelParameter the type of {@code builder}'s parameter ({@code Model<?>} if generic)
   * @param sparseAccess {@code sparse} or {@code getSparse()}: how the model gives its sparse arch
   * @param denseType how the dense local is declared (its type, or {@code var})
   * @param forwardDoc the forward method as the javadoc names it, {@code pkg.Dense#forward}
   * @param outputType how the forward's record result is declared; null for one {@code Tensor}
   * @param componentAccessors the record's accessors, one per output, in order
   */
  record Source(
      ClassName exporter,
      ClassName model,
      TypeName modelParameter,
      String fgResource,
      String mcResource,
      String target,
      boolean lowerCase,
      int configWarnings,
      String sparseAccess,
      String denseAccess,
      CodeBlock denseType,
      String forwardDoc,
      String forwardMethod,
      boolean takesMap,
      @Nullable CodeBlock outputType,
      List<String> componentAccessors,
      List<String> outputNames,
      boolean generatedAnnotation,
      boolean nullMarked) {}

  private final Filer filer;
  private final Messager messager;
  private final Elements elements;
  /** Exporters written in this compile (every round so far), each to its model's name. */
  private final Map<String, String> written = new HashMap<>();
  private final boolean generatedAvailable;
  private final boolean jspecifyAvailable;

  ExporterWriter(ProcessingEnvironment env) {
    this.filer = env.getFiler();
    this.messager = env.getMessager();
    this.elements = env.getElementUtils();
    this.generatedAvailable = env.getElementUtils().getTypeElement(GENERATED) != null;
    this.jspecifyAvailable = env.getElementUtils().getTypeElement(NULL_MARKED) != null;
  }

  /** On javac's thread: what {@link #render} needs from the model. */
  Source source(ModelDescriptor model) {
    ClassName modelName = ClassName.get(model.model());
    ModelDescriptor.Forward forward = model.forward();
    return new Source(
        ClassName.get(model.packageName(), model.exporterName()),
        modelName,
        parameterType(model, modelName),
        model.fgResource(),
        model.mcResource(),
        model.target().name(),
        model.lowerCase(),
        model.configWarnings(),
        access(model.sparse()),
        access(model.dense()),
        declaredType(model.dense().type()),
        model.dense().type() + "#" + forward.methodName(),
        forward.methodName(),
        forward.takesMap(),
        forward.recordType() == null ? null : declaredType(forward.recordType()),
        forward.componentAccessors(),
        forward.outputNames(),
        generatedAvailable,
        jspecifyAvailable);
  }

  /** Anywhere: the exporter's source text, from plain values only. */
  static String render(Source source) {
    return JavaFile.builder(source.exporter().packageName(), type(source))
        .skipJavaLangImports(true)
        .indent("  ")
        .build()
        .toString();
  }

  /**
   * On javac's thread: the exporter's file, with {@code model} as its only originating element;
   * or an error at {@code @RecModel} if another class of this compile holds the exporter's name.
   */
  void write(TypeElement model, ClassName exporter, String text) {
    String name = exporter.canonicalName();
    AnnotationMirror recModel = ModelValidator.mirror(model, RecModel.class);
    String owner = written.putIfAbsent(name, model.getQualifiedName().toString());
    if (owner != null) {
      // Outer.Inner and a top-level Outer_Inner both map to Outer_InnerExporter
      messager.printMessage(Diagnostic.Kind.ERROR, "@RecModel " + model.getQualifiedName()
          + " would get the exporter " + name + ", which is already the exporter of @RecModel "
          + owner + " (a nested A.B and a top-level A_B both map to A_BExporter); rename one of"
          + " the two models", model, recModel);
      return;
    }
    try {
      JavaFileObject file = filer.createSourceFile(name, model);
      try (Writer writer = file.openWriter()) {
        writer.write(text);
      }
    } catch (FilerException e) {
      if (elements.getTypeElement(name) == null) {
        messager.printMessage(Diagnostic.Kind.ERROR, "RecShip could not write " + name + ": " + e,
            model);
        return;
      }
      // The Filer refuses only a type of this compile (a source or a generated file); a class
      // file left from an earlier build is replaced, so the name is checked here, not up front
      messager.printMessage(Diagnostic.Kind.ERROR, "@RecModel " + model.getQualifiedName()
          + " would get the exporter " + name + ", but class " + name + " already exists in this"
          + " compile; rename that class, or the model (its exporter is always named"
          + " <Model>Exporter)", model, recModel);
    } catch (IOException e) {
      messager.printMessage(Diagnostic.Kind.ERROR, "RecShip could not write " + name + ": " + e,
          model);
    }
  }

  private static TypeSpec type(Source source) {
    ClassName modelName = source.model();
    ClassName exporter = source.exporter();
    ClassName plan = ClassName.bestGuess(EXPORT_PLAN);
    List<String> outputs = source.outputNames();

    TypeSpec.Builder type = TypeSpec.classBuilder(exporter)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc(classJavadoc(source, plan));
    if (source.generatedAnnotation()) {
      type.addAnnotation(AnnotationSpec.builder(ClassName.bestGuess(GENERATED))
          .addMember("value", "$S", RecModelProcessor.class.getCanonicalName())
          .addMember("comments", "$S", "from @RecModel on " + modelName.canonicalName())
          .build());
    }
    if (source.nullMarked()) {
      type.addAnnotation(ClassName.bestGuess(NULL_MARKED));
    }
    // The exporter uses what the model declares; a deprecated model, arch or forward, or a raw
    // arch type, is the user's to see in their own source, not as warnings in generated code.
    type.addAnnotation(AnnotationSpec.builder(SuppressWarnings.class)
        .addMember("value", "{$S, $S, $S}", "deprecation", "removal", "rawtypes")
        .build());

    type.addField(constant(String.class, "FG_RESOURCE",
        "The fg.json resource named by {@code @RecModel(fg)}.", "$S", source.fgResource()));
    type.addField(constant(String.class, "MC_RESOURCE",
        "The mc.json resource named by {@code @RecModel(mc)}.", "$S", source.mcResource()));
    type.addField(constant(String.class, "TARGET",
        "The delivery target of {@code @RecModel(target)}; its FG rules were checked at compile time.",
        "$S", source.target()));
    type.addField(constant(boolean.class, "LOWER_CASE",
        "{@code @RecModel(lowerCase)}: RecIS' {@code lower_case} for fg and mc.",
        "$L", source.lowerCase()));
    List<CodeBlock> constants = new ArrayList<>();
    for (String output : outputs) {
      String name = ModelDescriptor.outputConstant(output);
      type.addField(constant(String.class, name,
          "Name of the exported output {@code " + output + "}.", "$S", output));
      constants.add(CodeBlock.of("$N", name));
    }
    ClassName list = ClassName.get(List.class);
    type.addField(FieldSpec.builder(ParameterizedTypeName.get(list, ClassName.get(String.class)),
            ModelDescriptor.OUTPUT_NAMES_CONSTANT, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The {@code @ExportOutput} names, in output order.\n")
        .initializer("$T.of($L)", list, CodeBlock.join(constants, ", "))
        .build());
    ClassName declaredConfig = ClassName.bestGuess(DECLARED_CONFIG);
    type.addField(FieldSpec.builder(declaredConfig, CONFIG_CONSTANT,
            Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("What {@code @RecModel} declares, as the export checks it;\n"
            + "{@code $N.featureGenerator()} loads the FG and MC the model must be built from.\n",
            CONFIG_CONSTANT)
        .initializer("new $T($T.class, $S,\n$>$>FG_RESOURCE, MC_RESOURCE, TARGET, LOWER_CASE)$<$<",
            declaredConfig, modelName, exporter.simpleName())
        .build());

    type.addMethod(MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("Not instantiated: the exporter is its static members.\n")
        .build());
    type.addMethod(outputsMethod(source));
    type.addMethod(builderMethod(source, plan));
    return type.build();
  }

  private static CodeBlock classJavadoc(Source source, ClassName plan) {
    return CodeBlock.builder()
        .add("Exports {@link $T} for RecIS/RTP native delivery: the sparse tables, the dense net\n",
            source.model())
        .add("traced from {@code $L} into TorchScript, and the meta files.\n", source.forwardDoc())
        .add("\n<p>Generated by RecShip from the model's {@code @RecModel}: the FG config {@code $L}\n",
            source.fgResource())
        .add("and MC config {@code $L} passed the {@code $L} rules at compile time$L,\n",
            source.mcResource(), source.target(), source.configWarnings() == 0 ? ""
                : " (with " + source.configWarnings() + " advisory warning"
                    + (source.configWarnings() == 1 ? "" : "s") + ")")
        .add("and the outputs are exported as $L. It reads the archs directly and calls the\n",
            String.join(", ", source.outputNames().stream()
                .map(n -> "{@code " + n + "}").toList()))
        .add("forward method through a lambda; nothing here uses reflection.\n")
        .add("\n<p>{@link #outputs} is that forward with its outputs named: train with it, so that\n")
        .add("each head fits the output of its name:\n")
        .add("\n<pre>{@code\n")
        .add("Trainer trainer = Trainer.builder(model.$L, model.$L)\n", source.sparseAccess(),
            source.denseAccess())
        .add("$L", source.outputNames().stream()
            .map(n -> "    .head(\"" + n + "\", \"<label column>\")\n")
            .reduce("", String::concat))
        .add("    .buildHeads($L.outputs(model));\n}</pre>\n", source.exporter().simpleName())
        .add("\n<p>{@link #builder} returns the runtime's {@link $T.Builder}, whose setters are the\n",
            plan)
        .add("RecIS {@code Exporter} parameters ({@code dataset}, {@code ckptDir}, {@code exportDir}\n")
        .add("required; {@code denseOptimizer}, {@code exportFolderName}, {@code exportModelName},\n")
        .add("{@code filterSparseOpt}, {@code shardRank}, {@code shardCount}, {@code overwrite}\n")
        .add("with defaults):\n")
        .add("\n<pre>{@code\n")
        .add("ExportResult result = $L.builder(model)\n", source.exporter().simpleName())
        .add("    .dataset(dataset)\n    .ckptDir(ckptDir)\n    .exportDir(exportDir)\n")
        .add("    .export();\n}</pre>\n")
        .build();
  }

  private static FieldSpec constant(
      Class<?> type, String name, String javadoc, String format, Object value) {
    return FieldSpec.builder(type, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(javadoc + "\n")
        .initializer(format, value)
        .build();
  }

  private static MethodSpec outputsMethod(Source source) {
    ClassName denseForward = ClassName.bestGuess(DENSE_FORWARD);
    ClassName denseOutputs = ClassName.bestGuess(DENSE_OUTPUTS);
    CodeBlock.Builder body = CodeBlock.builder()
        .addStatement("$T.requireNonNull(model, $S)", Objects.class, "model")
        .addStatement("$L dense = model.$L", source.denseType(), source.denseAccess());
    String input = source.takesMap() ? "blocks.asMap()" : "blocks";
    // not List.of: a null output must reach the trainer's and the export's checks, which name it
    // the lambda in an assignment, not a constructor argument: javac types it once, with no
    // overload resolution around it
    if (source.outputType() == null) {
      body.addStatement("$T forward = blocks -> $T.singletonList(dense.$N($L))",
          denseForward, Collections.class, source.forwardMethod(), input);
    } else {
      List<CodeBlock> outs = source.componentAccessors().stream()
          .map(a -> CodeBlock.of("out.$N()", a))
          .toList();
      body.add("$T forward = blocks -> {\n$>", denseForward)
          .addStatement("$L out = dense.$N($L)", source.outputType(), source.forwardMethod(), input)
          .addStatement("return $T.asList($L)", Arrays.class, CodeBlock.join(outs, ", "))
          .add("$<};\n");
    }
    body.addStatement("return new $T($N, forward)", denseOutputs, ModelDescriptor.OUTPUT_NAMES_CONSTANT);
    return MethodSpec.methodBuilder("outputs")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addJavadoc("The dense arch's forward with its outputs named {@link #$L}: what the export\n"
            + "traces, and what training should fit. {@code Trainer.Builder#buildHeads} given it\n"
            + "matches each head to the output of its name, so the scores exported as {@code $L}\n"
            + "are the ones trained as head {@code $L}.\n",
            ModelDescriptor.OUTPUT_NAMES_CONSTANT, source.outputNames().get(0),
            source.outputNames().get(0))
        .addJavadoc("\n@param model the model whose dense arch to call (read directly)\n"
            + "@return the forward and its output names\n")
        .addParameter(source.modelParameter(), "model")
        .returns(denseOutputs)
        .addCode(body.build())
        .build();
  }

  private static MethodSpec builderMethod(Source source, ClassName plan) {
    CodeBlock body = CodeBlock.builder()
        .addStatement("$T.requireNonNull(model, $S)", Objects.class, "model")
        .add("return $T.builder($S, model.$L, model.$L, outputs(model))\n$>$>",
            plan, source.model().canonicalName(), source.sparseAccess(), source.denseAccess())
        .add(".declaredConfig($N);\n$<$<", CONFIG_CONSTANT)
        .build();
    return MethodSpec.methodBuilder("builder")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addJavadoc("Starts an export of {@code model}: the runtime's plan builder with the sparse\n"
            + "arch, the dense net, its {@link #outputs} and the declared configs filled in.\n"
            + "Set {@code dataset}, {@code ckptDir} and {@code exportDir}, then call\n"
            + "{@link $T.Builder#export()}; it names any of them that is missing.\n", plan)
        .addJavadoc("\n@param model the model to export, as trained (its archs are read directly)\n"
            + "@return the plan builder; set the RecIS parameters, then call {@code export()}\n")
        .addParameter(source.modelParameter(), "model")
        .returns(plan.nestedClass("Builder"))
        .addCode(body)
        .build();
  }

  /**
   * {@code GenericModel<?>} for a generic model (a raw type would warn in the user's build), else
   * the model's class.
   */
  private static TypeName parameterType(ModelDescriptor model, ClassName modelName) {
    int parameters = model.model().getTypeParameters().size();
    if (parameters == 0) {
      return modelName;
    }
    TypeName[] wildcards = new TypeName[parameters];
    Arrays.fill(wildcards, WildcardTypeName.subtypeOf(Object.class));
    return ParameterizedTypeName.get(modelName, wildcards);
  }

  /**
   * How a local of {@code type} is declared: its type, or {@code var} when the type mentions a
   * type variable of a generic model that the exporter cannot name.
   */
  private static CodeBlock declaredType(TypeMirror type) {
    return mentionsTypeVariable(type) ? CodeBlock.of("var") : CodeBlock.of("$T", TypeName.get(type));
  }

  private static boolean mentionsTypeVariable(TypeMirror type) {
    return switch (type.getKind()) {
      case TYPEVAR, INTERSECTION -> true;
      case ARRAY -> mentionsTypeVariable(((ArrayType) type).getComponentType());
      case WILDCARD -> {
        WildcardType wildcard = (WildcardType) type;
        yield (wildcard.getExtendsBound() != null && mentionsTypeVariable(wildcard.getExtendsBound()))
            || (wildcard.getSuperBound() != null && mentionsTypeVariable(wildcard.getSuperBound()));
      }
      case DECLARED -> ((DeclaredType) type).getTypeArguments().stream()
          .anyMatch(ExporterWriter::mentionsTypeVariable);
      default -> false;
    };
  }

  private static String access(ModelDescriptor.Member member) {
    return member.isMethod() ? member.accessor() + "()" : member.accessor();
  }
}
