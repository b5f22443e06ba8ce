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
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.tools.Diagnostic;

/**
 * Writes {@code <Model>Exporter}: its {@code builder(model)} returns the runtime's {@code
 * ExportPlan.Builder} pre-filled from the model (archs read directly, the {@code @ExportOutput}
 * method called through a lambda, the declared configs), so nothing at export time needs
 * reflection and the RecIS parameters live in one place, the runtime.
 */
final class ExporterWriter {
  static final String EXPORT_PACKAGE = "io.recship.export";
  static final String EXPORT_PLAN = EXPORT_PACKAGE + ".ExportPlan";
  static final String DENSE_FORWARD = EXPORT_PACKAGE + ".DenseForward";
  static final String DECLARED_CONFIG = EXPORT_PACKAGE + ".DeclaredConfig";
  static final String GENERATED = "javax.annotation.processing.Generated";
  static final String NULL_MARKED = "org.jspecify.annotations.NullMarked";

  private final Filer filer;
  private final Messager messager;
  private final boolean generatedAvailable;
  private final boolean jspecifyAvailable;

  ExporterWriter(ProcessingEnvironment env) {
    this.filer = env.getFiler();
    this.messager = env.getMessager();
    this.generatedAvailable = env.getElementUtils().getTypeElement(GENERATED) != null;
    this.jspecifyAvailable = env.getElementUtils().getTypeElement(NULL_MARKED) != null;
  }

  void write(ModelDescriptor model) {
    JavaFile file = JavaFile.builder(model.packageName(), type(model))
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
    try {
      file.writeTo(filer);
    } catch (IOException e) {
      messager.printMessage(Diagnostic.Kind.ERROR, "RecShip could not write "
          + model.exporterName() + ": " + e, model.model());
    }
  }

  TypeSpec type(ModelDescriptor model) {
    ClassName modelName = ClassName.get(model.model());
    ClassName exporter = ClassName.get(model.packageName(), model.exporterName());
    ClassName plan = ClassName.bestGuess(EXPORT_PLAN);
    List<String> outputs = model.forward().outputNames();

    TypeSpec.Builder type = TypeSpec.classBuilder(exporter)
        .addOriginatingElement(model.model())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc(classJavadoc(model, modelName, exporter, plan));
    if (generatedAvailable) {
      type.addAnnotation(AnnotationSpec.builder(ClassName.bestGuess(GENERATED))
          .addMember("value", "$S", RecModelProcessor.class.getCanonicalName())
          .addMember("comments", "$S", "from @RecModel on " + modelName.canonicalName())
          .build());
    }
    if (jspecifyAvailable) {
      type.addAnnotation(ClassName.bestGuess(NULL_MARKED));
    }

    type.addField(constant(String.class, "FG_RESOURCE",
        "The fg.json resource named by {@code @RecModel(fg)}.", "$S", model.fgResource()));
    type.addField(constant(String.class, "MC_RESOURCE",
        "The mc.json resource named by {@code @RecModel(mc)}.", "$S", model.mcResource()));
    type.addField(constant(String.class, "TARGET",
        "The delivery target of {@code @RecModel(target)}; its FG rules were checked at compile time.",
        "$S", model.target().name()));
    type.addField(constant(boolean.class, "LOWER_CASE",
        "{@code @RecModel(lowerCase)}: RecIS' {@code lower_case} for fg and mc.",
        "$L", model.lowerCase()));
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

    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    type.addMethod(builderMethod(model, modelName, exporter, plan));
    return type.build();
  }

  private static CodeBlock classJavadoc(
      ModelDescriptor model, ClassName modelName, ClassName exporter, ClassName plan) {
    String forward = model.dense().type() + "#" + model.forward().methodName();
    return CodeBlock.builder()
        .add("Exports {@link $T} for RecIS/RTP native delivery: the sparse tables, the dense net\n",
            modelName)
        .add("traced from {@code $L} into TorchScript, and the meta files.\n", forward)
        .add("\n<p>Generated by RecShip from the model's {@code @RecModel}: the FG config {@code $L}\n",
            model.fgResource())
        .add("and MC config {@code $L} passed the {@code $L} rules at compile time$L,\n",
            model.mcResource(), model.target().name(), model.configWarnings() == 0 ? ""
                : " (with " + model.configWarnings() + " advisory warning"
                    + (model.configWarnings() == 1 ? "" : "s") + ")")
        .add("and the outputs are exported as $L. It reads the archs directly and calls the\n",
            String.join(", ", model.forward().outputNames().stream()
                .map(n -> "{@code " + n + "}").toList()))
        .add("forward method through a lambda; nothing here uses reflection.\n")
        .add("\n<p>{@link #builder} returns the runtime's {@link $T.Builder}, whose setters are the\n",
            plan)
        .add("RecIS {@code Exporter} parameters ({@code dataset}, {@code ckptDir}, {@code exportDir}\n")
        .add("required; {@code denseOptimizer}, {@code exportFolderName}, {@code exportModelName},\n")
        .add("{@code filterSparseOpt}, {@code shardRank}, {@code shardCount}, {@code overwrite}\n")
        .add("with defaults):\n")
        .add("\n<pre>{@code\n")
        .add("ExportResult result = $L.builder(model)\n", exporter.simpleName())
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

  private static MethodSpec builderMethod(
      ModelDescriptor model, ClassName modelName, ClassName exporter, ClassName plan) {
    ModelDescriptor.Forward forward = model.forward();
    ClassName list = ClassName.get(List.class);
    ClassName denseForward = ClassName.bestGuess(DENSE_FORWARD);
    CodeBlock.Builder body = CodeBlock.builder()
        .addStatement("$T.requireNonNull(model, $S)", Objects.class, "model")
        .addStatement("$L dense = model.$L", declaredType(model.dense().type()),
            access(model.dense()));
    String input = forward.takesMap() ? "blocks.asMap()" : "blocks";
    if (forward.recordType() == null) {
      body.addStatement("$T forward = blocks -> $T.of(dense.$N($L))",
          denseForward, list, forward.methodName(), input);
    } else {
      List<CodeBlock> outs = forward.componentAccessors().stream()
          .map(a -> CodeBlock.of("out.$N()", a))
          .toList();
      body.add("$T forward = blocks -> {\n$>", denseForward)
          .addStatement("$L out = dense.$N($L)",
              declaredType(forward.recordType()), forward.methodName(), input)
          .addStatement("return $T.of($L)", list, CodeBlock.join(outs, ", "))
          .add("$<};\n");
    }
    body.add("return $T.builder($S, model.$L, dense, forward, $N)\n$>$>",
            plan, modelName.canonicalName(), access(model.sparse()),
            ModelDescriptor.OUTPUT_NAMES_CONSTANT)
        .add(".declaredConfig(new $T($T.class, $S,\n$>$>FG_RESOURCE, MC_RESOURCE, TARGET,"
            + " LOWER_CASE));\n$<$<$<$<",
            ClassName.bestGuess(DECLARED_CONFIG), modelName, exporter.simpleName());

    return MethodSpec.methodBuilder("builder")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addJavadoc("Starts an export of {@code model}: the runtime's plan builder with the sparse\n"
            + "arch, the dense net, its forward, {@link #$L} and the declared configs filled in.\n"
            + "Set {@code dataset}, {@code ckptDir} and {@code exportDir}, then call\n"
            + "{@link $T.Builder#export()}; it names any of them that is missing.\n",
            ModelDescriptor.OUTPUT_NAMES_CONSTANT, plan)
        .addParameter(parameterType(model, modelName), "model")
        .returns(plan.nestedClass("Builder"))
        .addCode(body.build())
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
