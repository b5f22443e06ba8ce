package io.recship.processor;

import io.recship.annotations.ExportOutput;
import io.recship.annotations.RecModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import org.jspecify.annotations.Nullable;

/**
 * Finds what a model's checks depend on that javac has not resolved (yet): a type another
 * processor generates in a later round, or a missing symbol. javac's {@code isSameType} and {@code
 * isAssignable} take an error type for anything, so checking against one gives false errors, or
 * passes and generates an exporter that does not compile; like auto-common's {@code
 * SuperficialValidation}, the model waits for a later round instead.
 *
 * <p>A model depends on: its supertypes; its {@code @SparseArch}/{@code @DenseArch} members' types
 * and their supertypes; the {@code @ExportOutput} methods of the dense type (parameters, return
 * type, thrown types, and the components of a returned record or data class); and the values of
 * those annotations.
 */
final class Unresolved {
  private final Function<Element, TypeMirror> archType;

  /** @param archType an arch member's type as the model sees it (a base class's D resolved) */
  Unresolved(Function<Element, TypeMirror> archType) {
    this.archType = archType;
  }

  /**
   * The first unresolved thing {@code model}'s checks depend on, described for a message ("Out,
   * the return type of com.acme.Dense.forward"), or null if everything is resolved.
   */
  @Nullable String find(TypeElement model, List<Element> archMembers) {
    Set<Element> seen = new HashSet<>();
    String found = inAnnotations(model, model.getQualifiedName().toString());
    if (found == null) {
      found = inSupertypes(model, seen, "a supertype of " + model.getQualifiedName());
    }
    for (Element member : archMembers) {
      String what = member.getSimpleName() + " of " + model.getQualifiedName();
      if (found == null) {
        found = inAnnotations(member, what);
      }
      if (found == null) {
        // the declared type first: archType of an unresolved type may not be defined
        found = inType(member instanceof ExecutableElement method
            ? method.getReturnType() : member.asType(), seen, "the type of " + what);
      }
      if (found == null) {
        TypeMirror type = archType.apply(member);
        found = inType(type, seen, "the type of " + what);
        if (found == null && type.getKind() == TypeKind.DECLARED) {
          found = inForward((TypeElement) ((DeclaredType) type).asElement(), seen);
        }
      }
    }
    return found;
  }

  /** The {@code @ExportOutput} methods of {@code dense} and of its supertypes. */
  private @Nullable String inForward(TypeElement dense, Set<Element> seen) {
    Set<TypeElement> types = new HashSet<>();
    collect(dense, types);
    for (TypeElement type : types) {
      for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
        if (ModelValidator.mirror(method, ExportOutput.class) == null) {
          continue;
        }
        String what = type.getQualifiedName() + "." + method.getSimpleName();
        String found = inAnnotations(method, what);
        for (VariableElement parameter : method.getParameters()) {
          found = found != null ? found
              : inType(parameter.asType(), seen, "a parameter type of " + what);
        }
        for (TypeMirror thrown : method.getThrownTypes()) {
          found = found != null ? found : inType(thrown, seen, "an exception " + what + " throws");
        }
        TypeMirror returned = method.getReturnType();
        found = found != null ? found : inType(returned, seen, "the return type of " + what);
        if (found == null && returned.getKind() == TypeKind.DECLARED) {
          found = inComponents((DeclaredType) returned, seen, what);
        }
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** The types of a returned record's components, or of a data class's componentN(). */
  private @Nullable String inComponents(DeclaredType returned, Set<Element> seen, String what) {
    TypeElement type = (TypeElement) returned.asElement();
    List<ExecutableElement> accessors = type.getKind() == ElementKind.RECORD
        ? ElementFilter.recordComponentsIn(type.getEnclosedElements()).stream()
            .map(RecordComponentElement::getAccessor).toList()
        : ModelValidator.dataClassComponents(returned);
    for (ExecutableElement accessor : accessors) {
      String found = inType(accessor.getReturnType(), seen, "the type of "
          + type.getSimpleName() + "." + accessor.getSimpleName() + "(), returned by " + what);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static void collect(TypeElement type, Set<TypeElement> into) {
    if (!into.add(type)) {
      return;
    }
    for (TypeMirror supertype : supertypes(type)) {
      if (supertype.getKind() == TypeKind.DECLARED) {
        collect((TypeElement) ((DeclaredType) supertype).asElement(), into);
      }
    }
  }

  private @Nullable String inSupertypes(TypeElement type, Set<Element> seen, String what) {
    if (!seen.add(type)) {
      return null;
    }
    for (TypeMirror supertype : supertypes(type)) {
      String found = inType(supertype, seen, what);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /**
   * The superclass and interfaces as declared (not {@code Types.directSupertypes}, which drops an
   * unresolved one).
   */
  private static List<TypeMirror> supertypes(TypeElement type) {
    List<TypeMirror> out = new ArrayList<>(type.getInterfaces());
    out.add(0, type.getSuperclass());
    return out;
  }

  private @Nullable String inType(TypeMirror type, Set<Element> seen, String what) {
    switch (type.getKind()) {
      case ERROR:
        return type + " (" + what + ")";
      case DECLARED: {
        for (TypeMirror argument : ((DeclaredType) type).getTypeArguments()) {
          String found = inType(argument, seen, what);
          if (found != null) {
            return found;
          }
        }
        TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
        return inSupertypes(element, seen, "a supertype of " + element.getQualifiedName());
      }
      case ARRAY:
        return inType(((ArrayType) type).getComponentType(), seen, what);
      case WILDCARD: {
        WildcardType wildcard = (WildcardType) type;
        for (TypeMirror bound : new TypeMirror[] {wildcard.getExtendsBound(), wildcard.getSuperBound()}) {
          String found = bound == null ? null : inType(bound, seen, what);
          if (found != null) {
            return found;
          }
        }
        return null;
      }
      case TYPEVAR: {
        TypeVariable variable = (TypeVariable) type;
        return seen.add(variable.asElement()) ? inType(variable.getUpperBound(), seen, what) : null;
      }
      case INTERSECTION: {
        for (TypeMirror bound : ((IntersectionType) type).getBounds()) {
          String found = inType(bound, seen, what);
          if (found != null) {
            return found;
          }
        }
        return null;
      }
      default:
        return null;
    }
  }

  /** Values of the RecShip annotations on {@code element} that javac could not resolve. */
  private static @Nullable String inAnnotations(Element element, String what) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      if (mirror.getAnnotationType().getKind() == TypeKind.ERROR) {
        continue; // not one of ours; javac reports it
      }
      TypeElement annotation = (TypeElement) mirror.getAnnotationType().asElement();
      if (!annotation.getQualifiedName().toString()
          .startsWith(RecModel.class.getPackageName() + ".")) {
        continue;
      }
      for (AnnotationValue value : mirror.getElementValues().values()) {
        if (isUnresolved(value)) {
          return "a value of @" + annotation.getSimpleName() + " on " + what;
        }
      }
    }
    return null;
  }

  /**
   * javac gives a value it could not resolve ({@code fg = Cfg.FG} with {@code Cfg} not generated
   * yet) as an error value that prints {@code <error>}; a string constant prints in quotes.
   */
  private static boolean isUnresolved(AnnotationValue value) {
    Object v = value.getValue();
    if (v instanceof TypeMirror type) {
      return type.getKind() == TypeKind.ERROR;
    }
    if (v instanceof List<?> values) {
      return values.stream().anyMatch(item -> isUnresolved((AnnotationValue) item));
    }
    return "<error>".equals(value.toString());
  }
}
