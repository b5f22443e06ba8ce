package io.recship.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;
import org.jspecify.annotations.Nullable;

/**
 * Reports problems for one model, at the most precise position available (element, annotation,
 * annotation value), and remembers whether any was an error.
 */
final class Report {
  private final Messager messager;
  private boolean errors;

  Report(Messager messager) {
    this.messager = messager;
  }

  boolean hasErrors() {
    return errors;
  }

  void error(String message, Element element) {
    print(Diagnostic.Kind.ERROR, message, element, null, null);
  }

  void error(
      String message,
      Element element,
      @Nullable AnnotationMirror annotation,
      @Nullable AnnotationValue value) {
    print(Diagnostic.Kind.ERROR, message, element, annotation, value);
  }

  void print(
      Diagnostic.Kind kind,
      String message,
      Element element,
      @Nullable AnnotationMirror annotation,
      @Nullable AnnotationValue value) {
    if (kind == Diagnostic.Kind.ERROR) {
      errors = true;
    }
    if (annotation == null) {
      messager.printMessage(kind, message, element);
    } else if (value == null) {
      messager.printMessage(kind, message, element, annotation);
    } else {
      messager.printMessage(kind, message, element, annotation, value);
    }
  }
}
