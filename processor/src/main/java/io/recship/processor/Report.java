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
  private final @Nullable Report parent;
  private final @Nullable Element fixedElement;
  private final @Nullable AnnotationMirror fixedAnnotation;
  private boolean errors;

  Report(Messager messager) {
    this(messager, null, null, null);
  }

  private Report(Messager messager, @Nullable Report parent, @Nullable Element fixedElement,
      @Nullable AnnotationMirror fixedAnnotation) {
    this.messager = messager;
    this.parent = parent;
    this.fixedElement = fixedElement;
    this.fixedAnnotation = fixedAnnotation;
  }

  /**
   * This report, with every message placed at {@code element} and {@code annotation} instead:
   * for problems of a class without source (from a jar), which javac could show nowhere.
   */
  Report relocatedTo(Element element, @Nullable AnnotationMirror annotation) {
    return new Report(messager, this, element, annotation);
  }

  boolean hasErrors() {
    return parent != null ? parent.hasErrors() : errors;
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
      if (parent != null) {
        parent.errors = true;
      }
    }
    if (fixedElement != null) {
      element = fixedElement;
      annotation = fixedAnnotation;
      value = null;
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
