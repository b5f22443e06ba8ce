package io.recship.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@code <Model>Exporter}: a typed builder over the runtime's {@code ExportPlan} that reads
 * the model's archs directly and calls its {@code @ExportOutput} method through a lambda, so that
 * nothing at export time needs reflection.
 */
final class ExporterWriter {
  static final ClassName EXPORT_PLAN = ClassName.get("io.recship.export", "ExportPlan");
  static final ClassName EXPORTER = ClassName.get("io.recship.export", "Exporter");
  static final ClassName EXPORT_RESULT = ClassName.get("io.recship.export", "ExportResult");
  static final ClassName DENSE_FORWARD = ClassName.get("io.recship.export", "DenseForward");
  static final ClassName DATASET = ClassName.get("io.recship.data", "Dataset");
  static final ClassName OPTIMIZER = ClassName.get("io.recship.optim", "Optimizer");
  static final ClassName PATH = ClassName.get("java.nio.file", "Path");
  static final String OUTPUT_NAMES_CONSTANT = "OUTPUT_NAMES";

  private static final ClassName GENERATED =
      ClassName.get("javax.annotation.processing", "Generated");
  private static final ClassName NULLABLE = ClassName.get("org.jspecify.annotations", "Nullable");
  private static final ClassName NULL_MARKED =
      ClassName.get("org.jspecify.annotations", "NullMarked");
  private static final ClassName LIST = ClassName.get(List.class);
  private static final ClassName ARRAY_LIST = ClassName.get(ArrayList.class);
  private static final ClassName OBJECTS = ClassName.get(Objects.class);
  private static final TypeName STRING_LIST = ParameterizedTypeName.get(LIST, ClassName.get(String.class));

  private final Filer filer;
  private final Elements elements;
  private final Messager messager;

  ExporterWriter(ProcessingEnvironment env) {
    this.filer = env.getFiler();
    this.messager = env.getMessager();
    this.elements = env.getElementUtils();
  }

  /** {@code CtrModel -> CtrModelExporter}; nested {@code Outer.Inner -> Outer_InnerExporter}. */
  static ClassName exporterName(TypeElement model) {
    ClassName name = ClassName.get(model);
    return ClassName.get(name.packageName(), String.join("_", name.simpleNames()) + "Exporter");
  }

  /** {@code ctr -> OUTPUT_CTR}, {@code ctrScore -> OUTPUT_CTR_SCORE}. */
  static String outputConstant(String outputName) {
    String snake = outputName.replaceAll("([a-z0-9])([A-Z])", "$1_$2");
    return "OUTPUT_" + snake.toUpperCase(Locale.ROOT);
  }

  void write(ModelDescriptor model) {
    JavaFile file = JavaFile.builder(exporterName(model.model()).packageName(), type(model))
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
    try {
      file.writeTo(filer);
    } catch (IOException e) {
      messager.printMessage(Diagnostic.Kind.ERROR, "RecShip could not write "
          + exporterName(model.model()) + ": " + e, model.model());
    }
  }

  TypeSpec type(ModelDescriptor model) {
    ClassName modelName = ClassName.get(model.model());
    ClassName exporter = exporterName(model.model());
    ClassName builder = exporter.nestedClass("Builder");
    List<String> outputs = model.forward().outputNames();

    TypeSpec.Builder type = TypeSpec.classBuilder(exporter)
        .addOriginatingElement(model.model())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc(classJavadoc(model, modelName, exporter));
    if (elements.getTypeElement(GENERATED.canonicalName()) != null) {
      type.addAnnotation(AnnotationSpec.builder(GENERATED)
          .addMember("value", "$S", RecModelProcessor.class.getCanonicalName())
          .addMember("comments", "$S", "from @RecModel on " + modelName.canonicalName())
          .build());
    }
    boolean jspecify = elements.getTypeElement(NULL_MARKED.canonicalName()) != null;
    if (jspecify) {
      type.addAnnotation(NULL_MARKED);
    }

    type.addField(constant("FG_RESOURCE", "The fg.json resource named by {@code @RecModel(fg)}.",
        CodeBlock.of("$S", model.fgResource())));
    type.addField(constant("MC_RESOURCE", "The mc.json resource named by {@code @RecModel(mc)}.",
        CodeBlock.of("$S", model.mcResource())));
    type.addField(constant("TARGET",
        "The delivery target of {@code @RecModel(target)}; its FG rules were checked at compile time.",
        CodeBlock.of("$S", model.target().name())));
    type.addField(FieldSpec.builder(boolean.class, "LOWER_CASE",
            Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("{@code @RecModel(lowerCase)}: RecIS' {@code lower_case} for fg and mc.\n")
        .initializer("$L", model.lowerCase())
        .build());
    List<CodeBlock> constants = new ArrayList<>();
    for (String output : outputs) {
      type.addField(constant(outputConstant(output),
          "Name of the exported output {@code " + output + "}.", CodeBlock.of("$S", output)));
      constants.add(CodeBlock.of("$N", outputConstant(output)));
    }
    type.addField(FieldSpec.builder(STRING_LIST, OUTPUT_NAMES_CONSTANT,
            Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The {@code @ExportOutput} names, in output order.\n")
        .initializer("$T.of($L)", LIST, CodeBlock.join(constants, ", "))
        .build());

    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    type.addMethod(MethodSpec.methodBuilder("builder")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addJavadoc("Starts an export of {@code model}; set at least {@code dataset}, {@code ckptDir}\n"
            + "and {@code exportDir}, then call {@link Builder#export()}.\n")
        .addParameter(modelName, "model")
        .returns(builder)
        .addStatement("return new $T($T.requireNonNull(model, $S))", builder, OBJECTS, "model")
        .build());
    type.addType(builderType(model, modelName, exporter, builder, jspecify));
    return type.build();
  }

  private static CodeBlock classJavadoc(
      ModelDescriptor model, ClassName modelName, ClassName exporter) {
    String forward = model.dense().type() + "#" + model.forward().methodName();
    return CodeBlock.builder()
        .add("Exports {@link $T} for RecIS/RTP native delivery: the sparse tables, the dense net\n",
            modelName)
        .add("traced from {@code $L} into TorchScript, and the meta files.\n", forward)
        .add("\n<p>Generated by RecShip from the model's {@code @RecModel}: the FG config {@code $L}\n",
            model.fgResource())
        .add("and MC config {@code $L} passed the {@code $L} rules at compile time,\n",
            model.mcResource(), model.target().name())
        .add("and the outputs are exported as $L. It reads the archs directly and calls the\n",
            String.join(", ", model.forward().outputNames().stream()
                .map(n -> "{@code " + n + "}").toList()))
        .add("forward method through a lambda; nothing here uses reflection.\n")
        .add("\n<pre>{@code\n")
        .add("ExportResult result = $L.builder(model)\n", exporter.simpleName())
        .add("    .dataset(dataset)\n    .ckptDir(ckptDir)\n    .exportDir(exportDir)\n")
        .add("    .export();\n}</pre>\n")
        .build();
  }

  private static FieldSpec constant(String name, String javadoc, CodeBlock value) {
    return FieldSpec.builder(String.class, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(javadoc + "\n")
        .initializer(value)
        .build();
  }

  private TypeSpec builderType(
      ModelDescriptor model,
      ClassName modelName,
      ClassName exporter,
      ClassName builder,
      boolean jspecify) {
    TypeSpec.Builder type = TypeSpec.classBuilder(builder)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The RecIS {@code Exporter} parameters for one export of {@link $T}.\n",
            modelName)
        .addField(modelName, "model", Modifier.PRIVATE, Modifier.FINAL);
    Settings settings = new Settings(type, builder, jspecify);
    settings.required(DATASET, "dataset",
        "The data whose first batch runs through the sparse arch to trace the dense net\n"
            + "(RecIS {@code dataset}). Required.");
    settings.required(PATH, "ckptDir",
        "The checkpoint directory to export from (RecIS {@code ckpt_dir}). Required.");
    settings.required(PATH, "exportDir",
        "The directory the delivery is written to (RecIS {@code export_dir}). Required.");
    settings.optional(OPTIMIZER, "denseOptimizer", null,
        "The dense optimizer, whose gradients are cleared before tracing\n"
            + "(RecIS {@code dense_optimizer}). Optional.");
    settings.optional(ClassName.get(String.class), "exportFolderName", "fx_user_model",
        "Folder of the dense graph inside the export directory\n"
            + "(RecIS {@code export_folder_name}). Default {@code \"fx_user_model\"}.");
    settings.optional(ClassName.get(String.class), "exportModelName", "user_model",
        "File name of the TorchScript archive, without extension\n"
            + "(RecIS {@code export_model_name}). Default {@code \"user_model\"}.");
    settings.flag("filterSparseOpt",
        "Re-write the sparse tables without optimizer slots instead of copying the\n"
            + "checkpoint files (RecIS {@code filter_sparse_opt}). Default {@code false}.");
    settings.shard("shardRank",
        "This worker's shard of the sparse files.\n"
            + "Default: the {@code RANK} environment variable, else 0.");
    settings.shard("shardCount",
        "How many workers share the sparse files.\n"
            + "Default: the {@code WORLD_SIZE} environment variable, else 1.");
    settings.flag("overwrite",
        "Replace an existing export in the export directory. Default {@code false}.");

    type.addMethod(MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addParameter(modelName, "model")
        .addStatement("this.model = model")
        .build());
    type.addMethod(exportMethod(model, modelName, exporter));
    return type.build();
  }

  private static MethodSpec exportMethod(
      ModelDescriptor model, ClassName modelName, ClassName exporter) {
    CodeBlock.Builder body = CodeBlock.builder()
        .addStatement("$T<$T> missing = new $T<>()", LIST, String.class, ARRAY_LIST);
    for (String[] required : new String[][] {
        {"dataset", "dataset(Dataset)"}, {"ckptDir", "ckptDir(Path)"},
        {"exportDir", "exportDir(Path)"}}) {
      body.beginControlFlow("if ($N == null)", required[0])
          .addStatement("missing.add($S)", required[1])
          .endControlFlow();
    }
    body.beginControlFlow("if (!missing.isEmpty())")
        .addStatement("throw new $T($S\n+ $T.join(\", \", missing) + $S)",
            IllegalStateException.class,
            exporter.simpleName() + ": set ", String.class,
            " on " + exporter.simpleName() + ".builder(model) before export()")
        .endControlFlow();

    ModelDescriptor.Forward forward = model.forward();
    TypeName denseType = TypeName.get(model.dense().type());
    body.addStatement("$T dense = model.$L", denseType, access(model.dense()));
    String input = forward.takesMap() ? "blocks.asMap()" : "blocks";
    if (forward.recordType() == null) {
      body.addStatement("$T forward = blocks -> $T.of(dense.$N($L))",
          DENSE_FORWARD, LIST, forward.methodName(), input);
    } else {
      List<CodeBlock> outs = forward.componentAccessors().stream()
          .map(a -> CodeBlock.of("out.$N()", a))
          .toList();
      body.add("$T forward = blocks -> {\n$>", DENSE_FORWARD)
          .addStatement("$T out = dense.$N($L)",
              TypeName.get(forward.recordType()), forward.methodName(), input)
          .addStatement("return $T.of($L)", LIST, CodeBlock.join(outs, ", "))
          .add("$<};\n");
    }
    body.add("$T.Builder plan =\n$>$>$T.builder($S, model.$L, dense, forward, $N)\n",
            EXPORT_PLAN, EXPORT_PLAN, modelName.canonicalName(), access(model.sparse()),
            OUTPUT_NAMES_CONSTANT)
        .add("$>$>.dataset(dataset)\n")
        .add(".ckptDir(ckptDir)\n")
        .add(".exportDir(exportDir)\n")
        .add(".denseOptimizer(denseOptimizer)\n")
        .add(".exportFolderName(exportFolderName)\n")
        .add(".exportModelName(exportModelName)\n")
        .add(".filterSparseOpt(filterSparseOpt)\n")
        .add(".overwrite(overwrite)\n")
        .add(".declaredConfig($T.class, FG_RESOURCE, MC_RESOURCE, TARGET);\n$<$<$<$<", modelName)
        .beginControlFlow("if (shardRank != null)")
        .addStatement("plan.shardRank(shardRank)")
        .endControlFlow()
        .beginControlFlow("if (shardCount != null)")
        .addStatement("plan.shardCount(shardCount)")
        .endControlFlow()
        .addStatement("return $T.export(plan.build())", EXPORTER);

    return MethodSpec.methodBuilder("export")
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("Checks that {@code dataset}, {@code ckptDir} and {@code exportDir} are set, then\n"
            + "runs the export pipeline (prepare, sparse, dense trace, meta) and returns what it\n"
            + "wrote.\n\n@throws IllegalStateException naming every required setting that is"
            + " missing\n")
        .returns(EXPORT_RESULT)
        .addCode(body.build())
        .build();
  }

  private static String access(ModelDescriptor.Member member) {
    return member.isMethod() ? member.accessor() + "()" : member.accessor();
  }

  /** Adds builder fields and their setters, documented like the RecIS parameters they mirror. */
  private static final class Settings {
    private final TypeSpec.Builder type;
    private final ClassName builder;
    private final boolean jspecify;

    Settings(TypeSpec.Builder type, ClassName builder, boolean jspecify) {
      this.type = type;
      this.builder = builder;
      this.jspecify = jspecify;
    }

    void required(ClassName valueType, String name, String javadoc) {
      type.addField(FieldSpec.builder(nullable(valueType), name, Modifier.PRIVATE).build());
      type.addMethod(setter(name, javadoc, ParameterSpec.builder(valueType, name).build())
          .addStatement("this.$N = $T.requireNonNull($N, $S)", name, OBJECTS, name, name)
          .addStatement("return this")
          .build());
    }

    void optional(
        ClassName valueType, String name, @Nullable String defaultValue, String javadoc) {
      boolean nullable = defaultValue == null;
      FieldSpec.Builder field = FieldSpec.builder(
          nullable ? nullable(valueType) : valueType, name, Modifier.PRIVATE);
      if (!nullable) {
        field.initializer("$S", defaultValue);
      }
      type.addField(field.build());
      MethodSpec.Builder setter = setter(name, javadoc,
          ParameterSpec.builder(nullable ? nullable(valueType) : valueType, name).build());
      if (nullable) {
        setter.addStatement("this.$N = $N", name, name);
      } else {
        setter.addStatement("this.$N = $T.requireNonNull($N, $S)", name, OBJECTS, name, name);
      }
      type.addMethod(setter.addStatement("return this").build());
    }

    void flag(String name, String javadoc) {
      type.addField(FieldSpec.builder(boolean.class, name, Modifier.PRIVATE).build());
      type.addMethod(setter(name, javadoc, ParameterSpec.builder(boolean.class, name).build())
          .addStatement("this.$N = $N", name, name)
          .addStatement("return this")
          .build());
    }

    /** Unset means: let the runtime resolve it from {@code RANK}/{@code WORLD_SIZE}. */
    void shard(String name, String javadoc) {
      type.addField(FieldSpec.builder(nullable(ClassName.get(Integer.class)), name,
          Modifier.PRIVATE).build());
      type.addMethod(setter(name, javadoc, ParameterSpec.builder(int.class, name).build())
          .addStatement("this.$N = $N", name, name)
          .addStatement("return this")
          .build());
    }

    private MethodSpec.Builder setter(String name, String javadoc, ParameterSpec parameter) {
      return MethodSpec.methodBuilder(name)
          .addModifiers(Modifier.PUBLIC)
          .addJavadoc(javadoc + "\n")
          .addParameter(parameter)
          .returns(builder);
    }

    private TypeName nullable(ClassName type) {
      return jspecify ? type.annotated(AnnotationSpec.builder(NULLABLE).build()) : type;
    }
  }
}
