package io.recship.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import io.recship.annotations.RecModel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@link RecModel} types at compile time and generates their typed exporters.
 *
 * <p>Options: {@code -Arecship.resources=DIR[:DIR...]} adds directories where the fg/mc resources
 * named by {@code @RecModel} are looked up (after the class output and the source path).
 *
 * <p>Registered for Gradle as an isolating processor: each exporter has its model as its only
 * originating element. Gradle does not track the fg/mc files themselves, so after editing only
 * those, recompile the model (the Maven build always reprocesses).
 */
@AutoService(Processor.class)
public final class RecModelProcessor extends AbstractProcessor {
  static final String RESOURCES_OPTION = "recship.resources";

  /** Models depending on types not resolved yet (made by another processor in a later round). */
  private final Set<String> deferred = new LinkedHashSet<>();

  // Made on first use: the validator's config checks load the fg library (and Jackson), the
  // writer loads JavaPoet; a round (or a whole compile) without @RecModel loads neither.
  private @Nullable ModelValidator validator;
  private @Nullable ExporterWriter writer;

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(RecModel.class.getCanonicalName());
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(RESOURCES_OPTION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    if (annotations.isEmpty() && deferred.isEmpty()) {
      return false;
    }
    List<TypeElement> models = new ArrayList<>();
    for (String name : deferred) {
      TypeElement model = processingEnv.getElementUtils().getTypeElement(name);
      if (model != null) {
        models.add(model);
      }
    }
    deferred.clear();
    for (Element element : round.getElementsAnnotatedWith(RecModel.class)) {
      if (element instanceof TypeElement type) {
        models.add(type);
      }
    }
    if (!models.isEmpty()) {
      process(models, round.processingOver());
    }
    // Never claim @RecModel: other processors may read it too.
    return false;
  }

  /**
   * Checks and generates on two threads: the fg rules and JavaPoet on the {@link Worker}, the
   * model API and the Filer on javac's. Diagnostics are still reported in model order, on javac's
   * thread.
   */
  private void process(List<TypeElement> models, boolean lastRound) {
    ModelValidator validator = validator();
    ExporterWriter writer = writer();
    validator.startRound();
    Elements elements = processingEnv.getElementUtils();
    try (Worker worker = new Worker()) {
      for (TypeElement model : models) {
        validator.startConfigCheck(model, worker);
      }
      List<Generated> generated = new ArrayList<>();
      for (TypeElement model : models) {
        ModelValidator.Result result = validator.validate(model, lastRound);
        if (result.descriptor() != null) {
          ExporterWriter.Source source = writer.source(result.descriptor());
          generated.add(new Generated(model, source.exporter(),
              CompletableFuture.supplyAsync(() -> ExporterWriter.render(source), worker)));
        } else if (result.deferred()) {
          deferred.add(model.getQualifiedName().toString());
        }
      }
      // javac's Filer looks each new type's name up in every module (milliseconds each, cached
      // for the round): look them all up now, while the worker renders, not one by one when writing
      for (Generated file : generated) {
        elements.getTypeElement(file.exporter().canonicalName());
      }
      for (Generated file : generated) {
        writer.write(file.model(), file.exporter(), Worker.join(file.text()));
      }
    }
  }

  /** An exporter being rendered on the worker. */
  private record Generated(TypeElement model, ClassName exporter, CompletableFuture<String> text) {}

  private ModelValidator validator() {
    if (validator == null) {
      validator = new ModelValidator(processingEnv,
          new ConfigChecker(new ConfigResources(processingEnv.getFiler(), processingEnv.getOptions())));
    }
    return validator;
  }

  private ExporterWriter writer() {
    if (writer == null) {
      writer = new ExporterWriter(processingEnv);
    }
    return writer;
  }
}
