package io.recship.processor;

import io.recship.annotations.Target;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import org.jspecify.annotations.Nullable;

/**
 * A {@code @RecModel} that passed every check: what {@link ExporterWriter} needs, nothing more.
 *
 * @param model the annotated model class (the generated file's only originating element)
 * @param fgResource the fg resource name as written in {@code @RecModel}
 * @param mcResource the mc resource name as written in {@code @RecModel}
 * @param configWarnings how many advisory rule warnings the fg/mc drew
 * @param sparse how to read the sparse arch from a model instance
 * @param dense how to read the dense arch from a model instance
 * @param forward the dense type's {@code @ExportOutput} method
 */
record ModelDescriptor(
    TypeElement model,
    String fgResource,
    String mcResource,
    Target target,
    boolean lowerCase,
    int configWarnings,
    Member sparse,
    Member dense,
    Forward forward) {

  /** The generated constant listing every output name. */
  static final String OUTPUT_NAMES_CONSTANT = "OUTPUT_NAMES";

  /** {@code CtrModel -> CtrModelExporter}; nested {@code Outer.Inner -> Outer_InnerExporter}. */
  static String exporterName(TypeElement model) {
    Deque<String> names = new ArrayDeque<>();
    Element e = model;
    for (; e.getKind() != ElementKind.PACKAGE; e = e.getEnclosingElement()) {
      names.addFirst(e.getSimpleName().toString());
    }
    return String.join("_", names) + "Exporter";
  }

  /** The package of {@code model} (and of its exporter); empty for the unnamed package. */
  static String packageName(TypeElement model) {
    Element e = model;
    while (e.getKind() != ElementKind.PACKAGE) {
      e = e.getEnclosingElement();
    }
    return ((PackageElement) e).getQualifiedName().toString();
  }

  /** {@code ctr -> OUTPUT_CTR}, {@code ctrScore -> OUTPUT_CTR_SCORE}. */
  static String outputConstant(String outputName) {
    String snake = outputName.replaceAll("([a-z0-9])([A-Z])", "$1_$2");
    return "OUTPUT_" + snake.toUpperCase(Locale.ROOT);
  }

  String exporterName() {
    return exporterName(model);
  }

  String packageName() {
    return packageName(model);
  }

  /**
   * A member read without reflection: {@code model.<accessor>} for a field, or
   * {@code model.<accessor>()} for a getter.
   */
  record Member(String accessor, boolean isMethod, TypeMirror type) {}

  /**
   * The dense forward call.
   *
   * @param takesMap the method takes {@code Map<String, Tensor>} rather than {@code Blocks}
   * @param recordType the record (or Kotlin data class) returned, or null when the method returns
   *     one {@code Tensor}
   * @param componentAccessors accessor names of the record components ({@code componentN} for a
   *     data class), in order (empty for one {@code Tensor})
   * @param outputNames the {@code @ExportOutput} names, one per tensor
   */
  record Forward(
      String methodName,
      boolean takesMap,
      @Nullable TypeMirror recordType,
      List<String> componentAccessors,
      List<String> outputNames) {}
}
