package io.recship.processor;

import io.recship.annotations.Target;
import java.util.List;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import org.jspecify.annotations.Nullable;

/**
 * A {@code @RecModel} that passed every check: what {@link ExporterWriter} needs, nothing more.
 *
 * @param model the annotated model class (the generated file's only originating element)
 * @param fgResource the fg resource name as written in {@code @RecModel}
 * @param mcResource the mc resource name as written in {@code @RecModel}
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
    Member sparse,
    Member dense,
    Forward forward) {

  /**
   * A member read without reflection: {@code model.<accessor>} for a field, or
   * {@code model.<accessor>()} for a getter.
   */
  record Member(String accessor, boolean isMethod, TypeMirror type) {}

  /**
   * The dense forward call.
   *
   * @param takesMap the method takes {@code Map<String, Tensor>} rather than {@code Blocks}
   * @param recordType the record returned, or null when the method returns one {@code Tensor}
   * @param componentAccessors accessor names of the record components, in order (empty for one
   *     {@code Tensor})
   * @param outputNames the {@code @ExportOutput} names, one per tensor
   */
  record Forward(
      String methodName,
      boolean takesMap,
      @Nullable TypeMirror recordType,
      List<String> componentAccessors,
      List<String> outputNames) {}
}
