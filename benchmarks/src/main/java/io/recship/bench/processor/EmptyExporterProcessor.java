package io.recship.bench.processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * The floor for {@link ProcessorCompileRatio}: writes an empty {@code <Model>Exporter} for every
 * {@code @RecModel} and checks nothing. What javac spends on it (a file through the Filer per
 * model, the extra rounds that re-enter every class, compiling the new classes) is javac's own
 * cost of generating one source file per model, which any such processor pays.
 *
 * <p>Not registered as a service: the benchmark names it with {@code -processor}.
 */
public class EmptyExporterProcessor extends AbstractProcessor {
  private static final String REC_MODEL = "io.recship.annotations.RecModel";

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(REC_MODEL);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (TypeElement annotation : annotations) {
      for (Element model : round.getElementsAnnotatedWith(annotation)) {
        write((TypeElement) model);
      }
    }
    return false;
  }

  /** The exporter's source: an empty class. */
  String source(String pkg, String name) {
    return "package " + pkg + ";\n\npublic final class " + name + " {\n  private " + name
        + "() {}\n}\n";
  }

  private void write(TypeElement model) {
    String pkg = processingEnv.getElementUtils().getPackageOf(model).getQualifiedName().toString();
    String name = model.getSimpleName() + "Exporter";
    try (Writer out = processingEnv.getFiler().createSourceFile(pkg + "." + name, model)
        .openWriter()) {
      out.write(source(pkg, name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + name, e);
    }
  }
}
