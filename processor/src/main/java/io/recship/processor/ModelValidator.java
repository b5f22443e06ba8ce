package io.recship.processor;

import com.sun.source.util.Trees;
import io.recship.annotations.DenseArch;
import io.recship.annotations.ExportOutput;
import io.recship.annotations.RecModel;
import io.recship.annotations.SparseArch;
import io.recship.annotations.Target;
import java.lang.annotation.Annotation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;
import org.jspecify.annotations.Nullable;

/**
 * Checks one {@code @RecModel} class and everything it points at, reporting every problem (not just
 * the first) at its element and annotation value. Only a model without errors yields a {@link
 * ModelDescriptor}.
 */
final class ModelValidator {
  static final String SPARSE_MODEL = "io.recship.sparse.SparseModel";
  static final String MODULE = "io.recship.nn.Module";
  static final String TENSOR = "io.recship.tensor.Tensor";
  static final String BLOCKS = "io.recship.tensor.Blocks";

  /** Runtime types the generated exporter refers to; checked up front for one clear message. */
  private static final List<String> RUNTIME_TYPES = List.of(
      SPARSE_MODEL, MODULE, TENSOR, BLOCKS,
      ExporterWriter.EXPORT_PLAN, ExporterWriter.DENSE_FORWARD, ExporterWriter.DENSE_OUTPUTS,
      ExporterWriter.DECLARED_CONFIG);

  /** The field Kotlin keeps a delegated property's delegate in: {@code x$delegate}. */
  private static final String DELEGATE_SUFFIX = "$delegate";

  /** Output names become graph output node names and Java constants: keep them plain. */
  private static final Pattern OUTPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** The outcome: a descriptor, or none (errors were reported, or the model was deferred). */
  record Result(@Nullable ModelDescriptor descriptor, boolean deferred) {
    static final Result INVALID = new Result(null, false);
    static final Result DEFERRED = new Result(null, true);
  }

  private final Elements elements;
  private final Types types;
  private final Messager messager;
  private final ConfigChecker configs;
  private @Nullable List<String> missingRuntime;
  /** This round's dense forwards, by dense type and model package: checked (and reported) once. */
  private final Map<String, Optional<ModelDescriptor.Forward>> forwards = new HashMap<>();
  /**
   * The first model each config outcome was reported at: models naming the same fg and mc get
   * one error pointing there, not every finding again (11 models over one bad fg were 11 copies).
   */
  private final Map<ConfigChecker.Outcome, TypeElement> outcomeReportedAt = new IdentityHashMap<>();
  /** Where a class's source is, if javac's tree API is there (not under every build tool). */
  private final @Nullable Trees trees;

  ModelValidator(ProcessingEnvironment env, ConfigChecker configs) {
    this.elements = env.getElementUtils();
    this.types = env.getTypeUtils();
    this.messager = env.getMessager();
    this.configs = configs;
    this.trees = treesOf(env);
  }

  private static @Nullable Trees treesOf(ProcessingEnvironment env) {
    try {
      return Trees.instance(env);
    } catch (IllegalArgumentException | LinkageError e) {
      return null; // not javac's own environment: positions as the element gives them
    }
  }

  /** Forgets the previous round's results: each round's types are new. */
  void startRound() {
    forwards.clear();
  }

  /** Whether javac can show a position in {@code element}: false for a class from a jar. */
  private boolean hasSource(Element element) {
    return trees == null || trees.getPath(element) != null;
  }

  /**
   * Starts checking the fg/mc that {@code model} names on {@code worker}, so that {@link #validate}
   * finds the outcome ready. Reports nothing: anything wrong with the annotation is reported by
   * {@link #validate}.
   */
  void startConfigCheck(TypeElement model, Executor worker) {
    noteSource(model);
    AnnotationMirror recModel = mirror(model, RecModel.class);
    Declared declared = recModel == null ? null : declared(recModel);
    if (declared == null || declared.fg().isBlank() || declared.mc().isBlank()) {
      return;
    }
    String fg = plainResourceName(declared.fg());
    String mc = plainResourceName(declared.mc());
    if (whyNotAResourceName(fg) == null && whyNotAResourceName(mc) == null && !fg.equals(mc)) {
      configs.start(fg, mc, declared.lowerCase(), declared.target(), worker);
    }
  }

  Result validate(TypeElement model, boolean lastRound) {
    Report report = new Report(messager);
    AnnotationMirror recModel = mirror(model, RecModel.class);
    if (recModel == null) {
      return Result.INVALID;
    }
    List<Element> sparseMembers = annotatedMembers(model, SparseArch.class);
    List<Element> denseMembers = annotatedMembers(model, DenseArch.class);
    List<Element> archMembers = new ArrayList<>(sparseMembers);
    archMembers.addAll(denseMembers);
    String unresolved = new Unresolved(member -> typeIn(model, member)).find(model, archMembers);
    if (unresolved != null) {
      if (!lastRound) {
        return Result.DEFERRED; // maybe generated by another processor in a later round
      }
      // javac reports the missing symbol itself; an error here would only repeat it
      report.print(Diagnostic.Kind.NOTE, "RecShip did not check @RecModel " + model.getSimpleName()
          + " nor generate " + ModelDescriptor.exporterName(model) + ": " + unresolved
          + " was never resolved", model, recModel, null);
      return Result.INVALID;
    }
    String skew = versionSkew(recModel);
    if (skew != null) {
      report.error("@RecModel is not the one this processor was built with (" + skew + "):"
          + " the recship-annotations and recship-processor versions differ; use the same version"
          + " for both", model, recModel, null);
      return Result.INVALID;
    }
    Declared declared = declared(recModel);
    if (declared == null) {
      return Result.INVALID; // javac reports the malformed annotation itself
    }

    PackageElement pkg = elements.getPackageOf(model);
    String exporter = ModelDescriptor.exporterName(model);
    if (model.getKind() != ElementKind.CLASS && model.getKind() != ElementKind.RECORD) {
      report.error("[EXP-ARGS] @RecModel goes on a class holding the sparse and dense archs, not on "
          + kindWithArticle(model.getKind()) + "; make " + model.getSimpleName() + " a final class"
          + " with fields or getters", model, recModel, null);
    }
    boolean modelVisible = accessibleFrom(model, pkg);
    if (!modelVisible) {
      String hidden = hiddenBecause(model, pkg);
      // "inside private Outer": Outer is what must change
      String change = hidden.startsWith("inside private ")
          ? hidden.substring("inside private ".length()) : "it";
      report.error("[EXP-ARGS] @RecModel class " + model.getSimpleName() + " is " + hidden
          + ", but the generated " + exporter + " in package " + pkg + " takes it as a parameter;"
          + " make " + change + " package-private or public", model, recModel, null);
    }

    int configWarnings = checkConfig(model, recModel, declared, report);

    List<String> missingRuntime = missingRuntimeTypes();
    if (!missingRuntime.isEmpty()) {
      report.error("RecShip runtime types are not on the compile classpath ("
          + String.join(", ", missingRuntime) + "): add the io.recship:recship-runtime dependency,"
          + " at the processor's version; the generated " + exporter + " calls it",
          model, recModel, null);
    }
    boolean typesKnown = missingRuntime.isEmpty();
    if (!modelVisible) {
      return Result.INVALID; // its archs' access follows from the model's: one error says it all
    }

    // A Kotlin object's properties are static fields behind instance getters: one error says it,
    // and its archs are then checked through those getters as a class's would be
    boolean kotlinObject = isKotlinObject(model);
    if (kotlinObject) {
      report.error("[EXP-ARGS] " + model.getSimpleName() + " is a Kotlin object; make it a class"
          + " (the exporter reads the archs of the model instance you pass)", model, recModel, null);
    }
    ModelDescriptor.Member sparse = arch(model, SparseArch.class, sparseMembers,
        typesKnown ? SPARSE_MODEL : null, kotlinObject, report);
    ModelDescriptor.Member dense = arch(model, DenseArch.class, denseMembers,
        typesKnown ? MODULE : null, kotlinObject, report);
    checkSplitSeq(sparseMembers, report);

    ModelDescriptor.Forward forward = null;
    if (dense != null && typesKnown) {
      // two models over one dense class: its problems are reported once (for the first)
      Element denseMember = denseMembers.get(0);
      forward = forwards.computeIfAbsent(
          dense.type() + " from " + elements.getPackageOf(model).getQualifiedName(),
          key -> Optional.ofNullable(forward(model, denseMember, dense.type(), report)))
          .orElse(null);
    }
    if (report.hasErrors() || sparse == null || dense == null || forward == null) {
      return Result.INVALID;
    }
    return new Result(new ModelDescriptor(model, declared.fg(), declared.mc(), declared.target(),
        declared.lowerCase(), configWarnings, sparse, dense, forward), false);
  }

  /** The class path does not change during a compile: look the runtime types up once. */
  private List<String> missingRuntimeTypes() {
    if (missingRuntime == null) {
      missingRuntime = RUNTIME_TYPES.stream()
          .filter(name -> elements.getTypeElement(name) == null)
          .toList();
    }
    return missingRuntime;
  }

  // ---------------------------------------------------------------- fg / mc

  /** Lets the config lookup see whether javac has a source path, through {@code model}'s source. */
  private void noteSource(TypeElement model) {
    Element topLevel = model;
    while (topLevel.getEnclosingElement() instanceof TypeElement outer) {
      topLevel = outer;
    }
    configs.noteSource(elements.getPackageOf(model).getQualifiedName().toString(),
        topLevel.getSimpleName() + ".java");
  }

  /** Checks the fg/mc resources; returns the number of advisory warnings. */
  private int checkConfig(
      TypeElement model, AnnotationMirror recModel, Declared declared, Report report) {
    noteSource(model);
    AnnotationValue fgValue = value(recModel, "fg");
    AnnotationValue mcValue = value(recModel, "mc");
    boolean named = true;
    if (declared.fg().isBlank()) {
      report.error("@RecModel(fg = ...) must name the fg.json resource, e.g. \"ctr/fg.json\"",
          model, recModel, fgValue);
      named = false;
    }
    if (declared.mc().isBlank()) {
      report.error("@RecModel(mc = ...) must name the mc.json resource, e.g. \"ctr/mc.json\"",
          model, recModel, mcValue);
      named = false;
    }
    if (!named) {
      return 0;
    }
    String fg = resourceName("fg", declared.fg(), model, recModel, fgValue, report);
    String mc = resourceName("mc", declared.mc(), model, recModel, mcValue, report);
    if (fg == null || mc == null) {
      return 0;
    }
    if (fg.equals(mc)) {
      // the fg read as an mc fails every MC rule at once: say the one thing that is wrong
      report.error("@RecModel mc names the same file as fg ('" + declared.mc() + "'); point it at"
          + " the MC config, e.g. \"" + siblingMc(fg) + "\"", model, recModel, mcValue);
      return 0;
    }
    ConfigChecker.Outcome outcome = configs.check(fg, mc, declared.lowerCase(), declared.target());
    int warnings = (int) outcome.problems().stream().filter(problem -> !problem.error()).count();
    TypeElement reportedAt = outcomeReportedAt.putIfAbsent(outcome, model);
    if (reportedAt != null && !reportedAt.equals(model)) {
      reportShared(outcome, reportedAt, model, recModel, fgValue, mcValue, report);
      return warnings;
    }
    for (ConfigChecker.Problem problem : outcome.placement()) {
      report.print(Diagnostic.Kind.WARNING, problem.message(), model, recModel,
          problem.onMc() ? mcValue : fgValue);
    }
    for (ConfigChecker.Problem problem : outcome.problems()) {
      String declaredName = problem.onMc() ? declared.mc() : declared.fg();
      String message = problem.missing() && declaredName.startsWith("/")
          ? problem.message() + "\n" + leadingSlash(problem.onMc() ? "mc" : "fg", declaredName)
          : problem.message();
      report.print(problem.error() ? Diagnostic.Kind.ERROR : Diagnostic.Kind.WARNING,
          message, model, recModel, problem.onMc() ? mcValue : fgValue);
    }
    return warnings;
  }

  /**
   * For a model whose fg and mc were already reported at {@code first}: one error (so this model
   * fails at its own {@code @RecModel} too) carrying the first finding; warnings are not repeated.
   */
  private static void reportShared(ConfigChecker.Outcome outcome, TypeElement first,
      TypeElement model, AnnotationMirror recModel, @Nullable AnnotationValue fgValue,
      @Nullable AnnotationValue mcValue, Report report) {
    List<ConfigChecker.Problem> errors =
        outcome.problems().stream().filter(ConfigChecker.Problem::error).toList();
    if (errors.isEmpty()) {
      return;
    }
    String firstLine = errors.get(0).message().lines().findFirst().orElse("");
    if (firstLine.endsWith(":") && firstLine.contains("; ")) {
      firstLine = firstLine.substring(0, firstLine.lastIndexOf("; ")); // "...; looked in:"
    }
    report.error(firstLine + (errors.size() == 1 ? "" : " (and " + (errors.size() - 1) + " more)")
        + "; reported in full at @RecModel on " + first.getQualifiedName() + ", which names the same"
        + " fg and mc as " + model.getSimpleName(), model, recModel,
        errors.stream().allMatch(ConfigChecker.Problem::onMc) ? mcValue : fgValue);
  }

  /**
   * The classpath resource {@code name} names, as the runtime resolves it (a leading '/' dropped),
   * or null after reporting a name that only works from a directory, not from a jar, or not at all.
   */
  private static @Nullable String resourceName(String which, String name, TypeElement model,
      AnnotationMirror recModel, @Nullable AnnotationValue value, Report report) {
    String plain = plainResourceName(name);
    String why = whyNotAResourceName(plain);
    if (why == null) {
      return plain;
    }
    report.error("@RecModel " + which + " resource '" + name + "' " + why + "; name it as it lies"
        + " under src/main/resources, e.g. \"ctr/" + which + ".json\"", model, recModel, value);
    return null;
  }

  /**
   * For a name with a leading '/' that was not found: most likely a file path ("/home/me/ctr/
   * fg.json"), which a resource name is not. The part after {@code src/main/resources/} if the
   * path has one.
   */
  private static String leadingSlash(String which, String name) {
    String marker = "/src/main/resources/";
    int at = name.lastIndexOf(marker);
    String example = at >= 0 ? name.substring(at + marker.length()) : "ctr/" + which + ".json";
    return "A leading '/' does not make '" + name + "' a file path: resources are classpath-relative,"
        + " so name it as it lies under src/main/resources, e.g. \"" + example + "\"";
  }

  /** {@code ctr/fg.json -> ctr/mc.json}: where the mc usually lies. */
  private static String siblingMc(String fg) {
    return fg.substring(0, fg.lastIndexOf('/') + 1) + "mc.json";
  }

  /** As the runtime resolves a resource name: a leading '/' dropped. */
  private static String plainResourceName(String name) {
    return name.startsWith("/") ? name.substring(1) : name;
  }

  /** Why {@code plain} is not a resource name that works in a directory and a jar; null if it is. */
  private static @Nullable String whyNotAResourceName(String plain) {
    if (!plain.equals(plain.strip())) {
      return "starts or ends with spaces";
    }
    if (plain.contains("\\")) {
      return "contains '\\'; resource names use '/' on every OS";
    }
    for (String segment : plain.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return "has an empty, '.' or '..' path segment, which a class loader resolves in a"
            + " directory but not inside a jar";
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- sparse and dense members

  /**
   * Fields and methods of the model, then of its superclasses and interfaces, carrying {@code
   * annotation}.
   */
  private List<Element> annotatedMembers(TypeElement model, Class<? extends Annotation> annotation) {
    Map<String, Element> found = new LinkedHashMap<>();
    for (TypeElement type : hierarchy(model, null)) {
      for (Element member : type.getEnclosedElements()) {
        boolean candidate = member.getKind() == ElementKind.FIELD
            || member.getKind() == ElementKind.METHOD;
        if (candidate && mirror(member, annotation) != null) {
          // keyed so that an override does not count twice
          found.putIfAbsent(member.getKind() + " " + member.getSimpleName(), member);
        }
      }
    }
    List<Element> members = new ArrayList<>(found.values());
    // A Kotlin property annotated on both its field and its getter, or a record component (whose
    // annotation lands on the field and the accessor), is still one member.
    members.removeIf(m -> m instanceof ExecutableElement getter && members.stream().anyMatch(
        f -> f instanceof VariableElement field && getter.equals(getterOf(field))));
    return members;
  }

  /**
   * {@code type} and its supertypes, nearest first (superclasses and interfaces), without {@code
   * Object}, and without {@code stopAt} and its own supertypes.
   */
  private List<TypeElement> hierarchy(TypeElement type, @Nullable String stopAt) {
    List<TypeElement> out = new ArrayList<>();
    Deque<TypeElement> queue = new ArrayDeque<>();
    queue.add(type);
    while (!queue.isEmpty()) {
      TypeElement next = queue.poll();
      if (out.contains(next) || next.getQualifiedName().contentEquals("java.lang.Object")
          || (stopAt != null && next.getQualifiedName().contentEquals(stopAt))) {
        continue;
      }
      out.add(next);
      for (TypeMirror supertype : types.directSupertypes(next.asType())) {
        if (supertype.getKind() == TypeKind.DECLARED) {
          queue.add((TypeElement) types.asElement(supertype));
        }
      }
    }
    return out;
  }

  /**
   * The type of a field or getter as seen from {@code owner}: {@code D dense} declared in {@code
   * Base<D extends Module>} is a {@code CtrDense} in {@code CtrModel extends Base<CtrDense>}. A type
   * variable left over (a generic model) stands for its bound.
   */
  private TypeMirror typeIn(TypeElement owner, Element member) {
    TypeMirror type = boundIn(owner, member);
    return type.getKind() == TypeKind.INTERSECTION ? types.erasure(type) : type;
  }

  /** {@link #typeIn}, but an intersection bound ({@code D extends Module & Scorer}) kept whole. */
  private TypeMirror boundIn(TypeElement owner, Element member) {
    TypeMirror type;
    try {
      TypeMirror asMember = types.asMemberOf((DeclaredType) owner.asType(), member);
      type = asMember instanceof ExecutableType method ? method.getReturnType() : asMember;
    } catch (IllegalArgumentException e) {
      type = memberType(member); // not a member of owner's type: keep the declared type
    }
    while (type.getKind() == TypeKind.TYPEVAR) {
      type = ((TypeVariable) type).getUpperBound();
    }
    return type;
  }

  /** What a value of {@code type} is known to be: a wildcard's or type variable's upper bound. */
  private TypeMirror upperBound(TypeMirror type) {
    while (true) {
      if (type instanceof WildcardType wildcard) {
        type = wildcard.getExtendsBound() != null
            ? wildcard.getExtendsBound() : elements.getTypeElement("java.lang.Object").asType();
      } else if (type instanceof TypeVariable variable) {
        type = variable.getUpperBound();
      } else {
        return type;
      }
    }
  }

  /** Checked exceptions {@code method} declares: generated code could not call it as it is. */
  private List<String> checkedExceptions(ExecutableElement method) {
    TypeMirror runtime = elements.getTypeElement("java.lang.RuntimeException").asType();
    TypeMirror error = elements.getTypeElement("java.lang.Error").asType();
    List<String> checked = new ArrayList<>();
    for (TypeMirror thrown : method.getThrownTypes()) {
      if (!types.isSubtype(thrown, runtime) && !types.isSubtype(thrown, error)) {
        checked.add(thrown.toString());
      }
    }
    return checked;
  }

  private static TypeMirror memberType(Element member) {
    return member instanceof ExecutableElement method ? method.getReturnType() : member.asType();
  }

  /**
   * Resolves the single {@code annotation} member to a way of reading it, or reports why it can't.
   *
   * @param requiredType the runtime type the member must be assignable to, or null if unknown
   */
  private ModelDescriptor.@Nullable Member arch(
      TypeElement model,
      Class<? extends Annotation> annotation,
      List<Element> members,
      @Nullable String requiredType,
      boolean kotlinObject,
      Report report) {
    String annotationName = "@" + annotation.getSimpleName();
    String exporter = ModelDescriptor.exporterName(model);
    if (members.isEmpty()) {
      report.error("[EXP-ARGS] @RecModel " + model.getSimpleName() + " has no " + annotationName
          + " member; annotate the " + (annotation == SparseArch.class
              ? "SparseModel field (SparseModel.fromFg(fg))" : "dense Module field")
          + " with " + annotationName, model, mirror(model, RecModel.class), null);
      return null;
    }
    if (members.size() > 1) {
      List<String> names = members.stream().map(m -> m.getSimpleName().toString()).toList();
      for (Element member : members) {
        report.error("[EXP-ARGS] @RecModel " + model.getSimpleName() + " has " + members.size()
            + " " + annotationName + " members " + names + "; exactly one is allowed: keep "
            + annotationName + " on the one the exporter should read and remove it from the others",
            member, mirror(member, annotation), null);
      }
      return null;
    }
    Element member = members.get(0);
    PackageElement pkg = elements.getPackageOf(model);
    // An inherited member may come from a jar without sources: report it on the model then.
    boolean inherited = !member.getEnclosingElement().equals(model);
    Element at = inherited ? model : member;
    AnnotationMirror atMirror =
        inherited ? mirror(model, RecModel.class) : mirror(member, annotation);
    String what = annotationName + (member.getKind() == ElementKind.FIELD ? " field '" : " method '")
        + member.getSimpleName() + "' of " + model.getSimpleName() + (inherited
            ? " (inherited from " + ((TypeElement) member.getEnclosingElement()).getQualifiedName()
                + ")" : "");
    if (member.getModifiers().contains(Modifier.STATIC) && !kotlinObject) {
      report.error("[EXP-ARGS] " + what + " is static; it must belong to the model instance",
          at, atMirror, null);
      return null;
    }
    ExecutableElement getter;
    if (member instanceof ExecutableElement method) {
      if (!method.getParameters().isEmpty() || method.getReturnType().getKind() == TypeKind.VOID) {
        report.error("[EXP-ARGS] " + what + " must be a getter: no parameters, returns the arch",
            at, atMirror, null);
        return null;
      }
      if (!accessibleThrough(method, model, pkg)) {
        report.error("[EXP-ARGS] " + what + " is " + hiddenBecause(method, model, pkg)
            + ", so the generated " + exporter + " in package " + pkg + " cannot call it without"
            + " reflection; make it " + (samePackage(method, pkg) ? "package-private or " : "")
            + "public", at, atMirror, null);
        return null;
      }
      getter = method;
    } else {
      VariableElement field = (VariableElement) member;
      if (accessibleThrough(field, model, pkg)) {
        getter = null;
      } else {
        getter = getterOf(field);
        if (getter == null) {
          report.error("[EXP-ARGS] " + what + " is " + hiddenBecause(field, model, pkg)
              + " and has no getter " + getterName(field) + "() or " + field.getSimpleName()
              + "() returning " + field.asType() + ", so the generated " + exporter
              + " cannot read it without reflection; add the getter, or make the field "
              + (samePackage(field, pkg) ? "package-private or " : "") + "public"
              + " (Kotlin: don't make the property private)", at, atMirror, null);
          return null;
        }
        if (!accessibleThrough(getter, model, pkg)) {
          report.error("[EXP-ARGS] " + what + " is " + hiddenBecause(field, model, pkg)
              + " and its getter " + getter.getSimpleName() + "() is "
              + hiddenBecause(getter, model, pkg) + ", so the generated "
              + exporter + " in package " + pkg + " cannot call it without reflection; make the"
              + " getter " + (samePackage(getter, pkg) ? "package-private or " : "") + "public",
              at, atMirror, null);
          return null;
        }
      }
    }
    if (getter != null) {
      List<String> checked = checkedExceptions(getter);
      if (!checked.isEmpty()) {
        report.error("[EXP-ARGS] " + what + (getter == member ? "" : " is read through "
                + getter.getSimpleName() + "(), which") + " declares checked exceptions "
            + checked + "; the generated " + exporter + " calls it directly: drop the throws"
            + " clause (wrap the exception in an unchecked one)", at, atMirror, null);
        return null;
      }
    }
    TypeMirror bound = boundIn(model, getter == null ? member : getter);
    if (bound.getKind() == TypeKind.INTERSECTION) {
      TypeMirror declared = memberType(getter == null ? member : getter);
      report.error("[EXP-ARGS] " + what + " has type " + declared + ", bound by " + bound
          + "; the generated " + exporter + " declares the " + (annotation == DenseArch.class
              ? "dense net" : "sparse arch") + " with one type: bound " + declared + " by "
          + (annotation == DenseArch.class
              ? "one class that extends Module and has the @ExportOutput forward" : "SparseModel"),
          at, atMirror, null);
      return null;
    }
    Element read = getter == null ? member : getter;
    if (isNullable(read, memberType(read)) || isNullable(member, memberType(member))) {
      // a warning, not an error: the arch may be set after construction; null at export time is
      // an error the export names
      TypeMirror type = typeIn(model, read);
      Object typeName = types.asElement(type) instanceof TypeElement element
          ? element.getSimpleName() : type;
      report.print(Diagnostic.Kind.WARNING, "[EXP-ARGS] " + what + " is declared nullable, but"
          + " the export needs the " + (annotation == DenseArch.class ? "dense net" : "sparse arch")
          + ", so " + exporter + " fails if it is still null then; declare it non-null (Kotlin:"
          + " lateinit var or val, not " + typeName + "?)", at, atMirror, null);
    }
    ModelDescriptor.Member resolved = getter == null
        ? new ModelDescriptor.Member(member.getSimpleName().toString(), false, typeIn(model, member))
        : new ModelDescriptor.Member(getter.getSimpleName().toString(), true, typeIn(model, getter));
    if (requiredType != null) {
      TypeElement required = elements.getTypeElement(requiredType);
      if (required != null && !types.isAssignable(resolved.type(), types.erasure(required.asType()))) {
        report.error("[EXP-ARGS] " + what + " has type " + resolved.type() + ", which is not a "
            + requiredType + (annotation == SparseArch.class
                ? " (build it with SparseModel.fromFg(fg))" : " (the dense net must extend Module)"),
            at, atMirror, null);
        return null;
      }
      if (annotation == DenseArch.class && required != null
          && types.isSameType(types.erasure(resolved.type()), types.erasure(required.asType()))) {
        report.error("[EXP-ARGS] " + what + " has type Module, which declares no forward to"
            + " export; declare it with your dense net's own class (the one with the"
            + " @ExportOutput method)", at, atMirror, null);
        return null;
      }
      if (!typeAccessibleFrom(resolved.type(), pkg)) {
        report.error("[EXP-ARGS] " + what + " has type " + resolved.type()
            + ", which is not visible from package " + pkg + "; make the type non-private",
            at, atMirror, null);
        return null;
      }
    }
    return resolved;
  }

  private boolean samePackage(Element element, PackageElement pkg) {
    return elements.getPackageOf(element).equals(pkg);
  }

  /** Why {@link #accessibleThrough} is false: the member's own access, else {@code via}'s. */
  private String hiddenBecause(Element member, TypeElement via, PackageElement pkg) {
    Set<Modifier> modifiers = member.getModifiers();
    if (modifiers.contains(Modifier.PRIVATE)) {
      return "private";
    }
    if (!modifiers.contains(Modifier.PUBLIC) && !samePackage(member, pkg)) {
      return (modifiers.contains(Modifier.PROTECTED) ? "protected" : "package-private") + " in "
          + ((TypeElement) member.getEnclosingElement()).getQualifiedName();
    }
    return "inside " + via.getSimpleName() + ", which is " + hiddenBecause(via, pkg);
  }

  /** Why {@code element} is not visible from {@code pkg}: "private", "protected in a.B", ... */
  private String hiddenBecause(Element element, PackageElement pkg) {
    for (Element e = element; e != null && e.getKind() != ElementKind.PACKAGE;
        e = e.getEnclosingElement()) {
      String where = e == element && e.getEnclosingElement() instanceof TypeElement owner
          ? " in " + owner.getQualifiedName() : "";
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        return e == element ? "private" : "inside private " + e.getSimpleName();
      }
      if (!e.getModifiers().contains(Modifier.PUBLIC) && !samePackage(e, pkg)) {
        String level = e.getModifiers().contains(Modifier.PROTECTED) ? "protected" : "package-private";
        return e == element ? level + where : "inside " + level + " " + e.getSimpleName();
      }
    }
    return "not visible from package " + pkg;
  }

  /**
   * The getter for {@code field}, private or not: Kotlin's (and the JavaBeans) {@code getX()} /
   * {@code isX()}, else a record-style {@code x()}. It must return the field's type.
   */
  private @Nullable ExecutableElement getterOf(VariableElement field) {
    // Kotlin's `val x by lazy { ... }` keeps a Lazy in field x$delegate; getX() returns the value
    boolean delegated = field.getSimpleName().toString().endsWith(DELEGATE_SUFFIX);
    ExecutableElement accessor = null;
    ExecutableElement internal = null;
    for (ExecutableElement method :
        ElementFilter.methodsIn(field.getEnclosingElement().getEnclosedElements())) {
      if (method.getParameters().isEmpty()
          && !method.getModifiers().contains(Modifier.STATIC)
          && (delegated || types.isSameType(method.getReturnType(), field.asType()))) {
        String name = method.getSimpleName().toString();
        if (name.equals(getterName(field))) {
          return method;
        }
        if (!delegated && name.equals(field.getSimpleName().toString())) {
          accessor = method;
        }
        // Kotlin `internal val x`: getX$<module>(), public in the bytecode, and the exporter is
        // generated into the same module, which is all `internal` asks
        if (name.startsWith(getterName(field) + "$")) {
          internal = method;
        }
      }
    }
    return accessor != null ? accessor : internal;
  }

  /** Kotlin's JVM getter name: {@code sparse -> getSparse}, {@code isReady -> isReady}. */
  private static String getterName(VariableElement field) {
    String name = field.getSimpleName().toString();
    if (name.endsWith(DELEGATE_SUFFIX)) {
      name = name.substring(0, name.length() - DELEGATE_SUFFIX.length());
    }
    if (name.length() > 2 && name.startsWith("is") && Character.isUpperCase(name.charAt(2))) {
      return name;
    }
    return "get" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /**
   * RTP-SEQSPLIT, for every target: the export feeds the dense net one flat map of blocks, and
   * the runtime refuses a sparse model built with splitSeq whatever the target.
   */
  private void checkSplitSeq(List<Element> sparseMembers, Report report) {
    for (Element member : sparseMembers) {
      AnnotationMirror mirror = mirror(member, SparseArch.class);
      AnnotationValue splitSeq = mirror == null ? null : valueWithDefaultOrNull(mirror, "splitSeq");
      if (splitSeq != null && Boolean.TRUE.equals(splitSeq.getValue())) {
        report.error("[RTP-SEQSPLIT] @SparseArch(splitSeq = true) cannot be exported: the exported"
            + " dense net takes one flat map of blocks, for every target; build the sparse arch"
            + " with SparseModel.fromFg(fg) and drop splitSeq",
            member, mirror, value(mirror, "splitSeq"));
      }
    }
  }

  // ---------------------------------------------------------------- dense forward

  private ModelDescriptor.@Nullable Forward forward(
      TypeElement model, Element denseMember, TypeMirror denseType, Report report) {
    if (denseType.getKind() != TypeKind.DECLARED) {
      report.error("[DENSE-OUT] the @DenseArch type " + denseType + " is not a class; declare the"
          + " dense net's own class", denseMember, mirror(denseMember, DenseArch.class), null);
      return null;
    }
    DeclaredType denseDeclared = (DeclaredType) denseType;
    TypeElement dense = (TypeElement) denseDeclared.asElement();
    List<ExecutableElement> annotated = new ArrayList<>();
    // the runtime's Module and its supertypes declare no @ExportOutput: stop there
    for (TypeElement type : hierarchy(dense, MODULE)) {
      for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
        if (mirror(method, ExportOutput.class) != null
            && annotated.stream().noneMatch(m -> elements.overrides(m, method, dense))) {
          annotated.add(method);
        }
      }
    }
    if (annotated.isEmpty()) {
      report.error("[DENSE-OUT] dense type " + dense.getSimpleName() + " has no @ExportOutput"
          + " method; annotate its forward method, e.g. " + (isKotlin(dense)
              ? "@ExportOutput(\"score\") fun forward(blocks: Blocks): Tensor"
              : "@ExportOutput(\"score\") public Tensor forward(Blocks in)"),
          denseMember, mirror(denseMember, DenseArch.class), null);
      return null;
    }
    if (annotated.size() > 1) {
      List<String> names = new ArrayList<>();
      for (ExecutableElement method : annotated) {
        Element owner = method.getEnclosingElement();
        names.add((owner.equals(dense) ? "" : owner.getSimpleName() + ".") + method.getSimpleName() + "()");
      }
      String message = "[DENSE-OUT] dense type " + dense.getSimpleName() + " has "
          + annotated.size() + " @ExportOutput methods " + names + "; exactly one forward is exported:"
          + " keep @ExportOutput on the one online serving calls and remove it from the others";
      if (!annotated.stream().allMatch(this::hasSource)) {
        report.error(message, denseMember, mirror(denseMember, DenseArch.class), null);
        return null;
      }
      for (ExecutableElement method : annotated) {
        report.error(message, method, mirror(method, ExportOutput.class), null);
      }
      return null;
    }
    ExecutableElement method = annotated.get(0);
    if (!hasSource(method)) {
      // from a jar: javac has no line to show in it, so say it at the model's @DenseArch
      report = report.relocatedTo(denseMember, mirror(denseMember, DenseArch.class));
    }
    // parameter and return types as seen from the dense type (a generic base class's T resolved)
    ExecutableType signature = (ExecutableType) types.asMemberOf(denseDeclared, method);
    AnnotationMirror exportOutput = mirror(method, ExportOutput.class);
    String where = "dense model '" + dense.getSimpleName() + "': " + method.getSimpleName();
    PackageElement pkg = elements.getPackageOf(model);
    if (!method.getTypeParameters().isEmpty()) {
      List<String> variables = method.getTypeParameters().stream()
          .map(variable -> variable.getSimpleName().toString()).toList();
      report.error("[DENSE-OUT] " + where + " is a generic method <" + String.join(", ", variables)
          + ">; the exported forward is traced and called with fixed types: drop its type"
          + " parameters and return Tensor or a record of Tensors", method);
      return null;
    }
    boolean ok = true;
    if (method.getModifiers().contains(Modifier.STATIC)) {
      report.error("[DENSE-IN] " + where + " is static; the exported forward is an instance"
          + " method of the dense module", method);
      ok = false;
    } else if (!accessibleThrough(method, dense, pkg)) {
      report.error("[DENSE-IN] " + where + " is not visible from package " + pkg + ", so the"
          + " generated " + ModelDescriptor.exporterName(model) + " cannot call it;"
          + " make it public", method);
      ok = false;
    }
    List<String> checked = checkedExceptions(method);
    if (!checked.isEmpty()) {
      report.error("[DENSE-IN] " + where + " declares checked exceptions " + checked + "; the"
          + " exported forward is called by the generated exporter's lambda and by the trace,"
          + " which cannot pass them on: throw an unchecked exception instead", method);
      ok = false;
    }

    boolean takesMap = false;
    TypeElement blocks = elements.getTypeElement(BLOCKS);
    if (method.getParameters().size() != 1) {
      report.error("[DENSE-IN] " + where + " must take a single Blocks (or Map<String, Tensor>)"
          + " of mc blocks; it takes " + method.getParameters().size() + " parameters"
          + (isKotlin((TypeElement) method.getEnclosingElement())
              ? " (a Kotlin default argument is still a parameter)" : ""), method);
      ok = false;
    } else {
      TypeMirror param = signature.getParameterTypes().get(0);
      if (blocks != null && types.isSameType(param, blocks.asType())) {
        takesMap = false;
      } else if (isMapOfTensors(param)) {
        takesMap = true;
      } else {
        boolean open = param.getKind() == TypeKind.WILDCARD || param.getKind() == TypeKind.TYPEVAR;
        report.error("[DENSE-IN] " + where + " must take a single Blocks (or Map<String, Tensor>)"
            + " of mc blocks, not " + param + (open ? "; the @DenseArch type "
                + dense.getSimpleName() + denseDeclared.getTypeArguments().stream()
                    .map(TypeMirror::toString).collect(Collectors.joining(", ", "<", ">"))
                + " leaves it open: " + (denseDeclared.getTypeArguments().size() == 1
                    ? "declare the arch as " + dense.getSimpleName() + "<Blocks>"
                    : "give it Blocks for the forward's input") : ""), method);
        ok = false;
      }
    }

    TypeMirror tensor = elements.getTypeElement(TENSOR).asType();
    // through HeadDense<?>, O forward(..) returns a capture of the wildcard: at least O's bound
    TypeMirror returned = upperBound(((ExecutableType) types.asMemberOf(
        (DeclaredType) types.capture(denseDeclared), method)).getReturnType());
    TypeMirror recordType = null;
    List<String> accessors = new ArrayList<>();
    // what each output position is called in the user's source: record components, or a data
    // class's properties; checked against the @ExportOutput names
    List<String> componentNames = List.of();
    int arity = -1;
    // outputs the source lets be null (Kotlin's Tensor?, a @Nullable in Java): by position, what
    // says so; the whole output if the forward's return is nullable
    Map<Integer, String> nullable = new LinkedHashMap<>();
    boolean nullableReturn = isNullable(method, method.getReturnType());
    if (types.isSameType(returned, tensor)) {
      arity = 1;
    } else if (returned.getKind() == TypeKind.DECLARED
        && (types.asElement(returned).getKind() == ElementKind.RECORD
            || !dataClassComponents((DeclaredType) returned).isEmpty())) {
      TypeElement outputType = (TypeElement) types.asElement(returned);
      boolean record = outputType.getKind() == ElementKind.RECORD;
      String kind = record ? "record" : "data class";
      // a record's accessors; for a Kotlin data class componentN(), in declaration order as
      // destructuring does (kapt cannot turn a Kotlin class into a Java record)
      List<ExecutableElement> components = record
          ? ElementFilter.recordComponentsIn(outputType.getEnclosedElements()).stream()
              .map(RecordComponentElement::getAccessor).toList()
          : dataClassComponents((DeclaredType) returned);
      List<String> notTensors = new ArrayList<>();
      for (ExecutableElement component : components) {
        // Pair<Tensor> for record Pair<A>(A ctr, A cvr): the component types as returned
        TypeMirror componentType = ((ExecutableType) types.asMemberOf(
            (DeclaredType) returned, component)).getReturnType();
        if (!types.isSameType(componentType, tensor)) {
          notTensors.add(component.getSimpleName() + (record ? "" : "()") + " (" + componentType + ")");
        }
        if (isNullableComponent(outputType, component)) {
          nullable.put(accessors.size(), component.getSimpleName() + (record ? "" : "()"));
        }
        accessors.add(component.getSimpleName().toString());
      }
      if (components.isEmpty() || !notTensors.isEmpty()) {
        report.error("[DENSE-OUT] " + where + " returns " + kind + " " + outputType.getSimpleName()
            + (components.isEmpty() ? " with no components" : " whose components "
                + notTensors + " are not Tensor")
            + "; every component of the output " + kind + " must be a Tensor", method);
        ok = false;
      } else if (!accessibleFrom(outputType, pkg)) {
        report.error("[DENSE-OUT] " + where + " returns " + kind + " " + outputType.getSimpleName()
            + ", which is not visible from package " + pkg + "; make it public", method);
        ok = false;
      } else {
        recordType = returned;
        arity = components.size();
        componentNames = record ? accessors : constructorParameterNames(outputType, arity);
      }
    } else {
      report.error("[DENSE-OUT] " + where + ": output must be Tensor, or a record (Java) or data"
          + " class (Kotlin) of Tensors with one component per output name, not " + returned
          + (isCollection(returned)
              ? "; a list, array or map has no number of outputs fixed at compile time" : ""),
          method);
      ok = false;
    }

    List<String> names = new ArrayList<>();
    AnnotationValue value = valueWithDefaultOrNull(exportOutput, "value");
    if (value != null && value.getValue() instanceof List<?> values) {
      for (Object name : values) {
        names.add(String.valueOf(((AnnotationValue) name).getValue()));
      }
    }
    ok &= checkOutputNames(names, arity, componentNames, method, exportOutput, where, report);
    if (arity > 0 && (nullableReturn || !nullable.isEmpty())) {
      reportNullable(nullableReturn, nullable, arity, names, returned, method, where, report);
      ok = false;
    }
    return ok ? new ModelDescriptor.Forward(method.getSimpleName().toString(), takesMap,
        recordType, List.copyOf(accessors), names) : null;
  }

  /**
   * DENSE-OUT for outputs the source lets be null: kapt marks a Kotlin {@code Tensor?} with
   * {@code @org.jetbrains.annotations.Nullable}, which the runtime would only meet as a null at
   * export time. One error at the forward, naming each such output.
   */
  private static void reportNullable(boolean nullableReturn, Map<Integer, String> nullable,
      int arity, List<String> names, TypeMirror returned, ExecutableElement method, String where,
      Report report) {
    String type = returned instanceof DeclaredType declared
        ? declared.asElement().getSimpleName().toString() : returned.toString();
    String fix = "; an exported graph returns every output on every call: declare it " + type
        + ", not " + type + "? (in Java, drop the @Nullable)";
    if (nullableReturn) {
      List<String> all = new ArrayList<>();
      for (int i = 0; i < arity; i++) {
        all.add(outputName(i, names, null));
      }
      report.error("[DENSE-OUT] " + where + " returns a @Nullable " + type + ", so "
          + (arity == 1 ? "output " : "outputs ") + String.join(", ", all) + " may be null"
          + fix, method);
    }
    if (nullable.isEmpty()) {
      return;
    }
    List<String> each = new ArrayList<>();
    nullable.forEach((i, component) -> each.add(outputName(i, names, component)));
    report.error("[DENSE-OUT] " + where + ": " + (each.size() == 1 ? "output " : "outputs ")
        + String.join(", ", each) + (each.size() == 1 ? " is" : " are") + " @Nullable in " + type
        + ", so " + (each.size() == 1 ? "it" : "each") + " may be null; an exported graph returns"
        + " every output on every call: declare " + (each.size() == 1 ? "it" : "each")
        + " Tensor, not Tensor? (in Java, drop the @Nullable)", method);
  }

  /** {@code 'share' (component2())}: output {@code i} by its @ExportOutput name, if it has one. */
  private static String outputName(int i, List<String> names, @Nullable String component) {
    String name = i < names.size() ? "'" + names.get(i) + "'" : "#" + (i + 1);
    return component == null ? name : name + " (" + component + ")";
  }

  /**
   * Whether {@code element} or {@code type} carries an annotation named {@code Nullable}, from
   * any package: JetBrains' (which kapt writes for Kotlin's {@code T?}), JSpecify's, javax's,
   * AndroidX's, the Checker Framework's. Type-use ones sit on the type, the others on the element.
   */
  private static boolean isNullable(Element element, TypeMirror type) {
    return hasNullable(element.getAnnotationMirrors()) || hasNullable(type.getAnnotationMirrors());
  }

  private static boolean hasNullable(List<? extends AnnotationMirror> annotations) {
    return annotations.stream().anyMatch(a ->
        a.getAnnotationType().asElement().getSimpleName().contentEquals("Nullable"));
  }

  /**
   * A nullable output component: its accessor (a record's, or a data class's componentN(), which
   * kapt marks like the property) or, for a record, the component as declared.
   */
  private static boolean isNullableComponent(TypeElement outputType, ExecutableElement accessor) {
    if (isNullable(accessor, accessor.getReturnType())) {
      return true;
    }
    return ElementFilter.recordComponentsIn(outputType.getEnclosedElements()).stream()
        .anyMatch(c -> c.getSimpleName().equals(accessor.getSimpleName())
            && isNullable(c, c.asType()));
  }

  /**
   * {@code component1()}, {@code component2()}, ... of a Kotlin data class (public, no
   * parameters), in order; empty for any other class.
   */
  static List<ExecutableElement> dataClassComponents(DeclaredType type) {
    Map<String, ExecutableElement> byName = new HashMap<>();
    for (ExecutableElement method : ElementFilter.methodsIn(type.asElement().getEnclosedElements())) {
      if (method.getParameters().isEmpty() && method.getModifiers().contains(Modifier.PUBLIC)
          && !method.getModifiers().contains(Modifier.STATIC)
          && method.getSimpleName().toString().startsWith("component")) {
        byName.put(method.getSimpleName().toString(), method);
      }
    }
    List<ExecutableElement> components = new ArrayList<>();
    for (int i = 1; byName.containsKey("component" + i); i++) {
      components.add(byName.get("component" + i));
    }
    return components;
  }

  /**
   * A Kotlin data class's property names in componentN order: the parameter names of its one
   * constructor taking {@code arity} parameters (kapt's stubs keep them); empty if there is no
   * such single constructor, or the names are synthetic ({@code arg0}, from a class file).
   */
  private static List<String> constructorParameterNames(TypeElement type, int arity) {
    List<ExecutableElement> candidates = ElementFilter.constructorsIn(type.getEnclosedElements())
        .stream()
        .filter(c -> c.getParameters().size() == arity)
        .toList();
    if (candidates.size() != 1) {
      return List.of();
    }
    List<String> names = candidates.get(0).getParameters().stream()
        .map(p -> p.getSimpleName().toString())
        .toList();
    return names.stream().allMatch(n -> n.matches("arg\\d+")) ? List.of() : names;
  }

  /**
   * A Kotlin {@code object}: kapt's stub is a class with {@code public static final X INSTANCE},
   * only private constructors, and its properties' backing fields static.
   */
  private boolean isKotlinObject(TypeElement type) {
    if (!isKotlin(type) || type.getKind() != ElementKind.CLASS) {
      return false;
    }
    boolean instance = ElementFilter.fieldsIn(type.getEnclosedElements()).stream().anyMatch(f ->
        f.getSimpleName().contentEquals("INSTANCE")
            && f.getModifiers().containsAll(List.of(Modifier.STATIC, Modifier.FINAL))
            && types.isSameType(types.erasure(f.asType()), types.erasure(type.asType())));
    return instance && ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
        .allMatch(c -> c.getModifiers().contains(Modifier.PRIVATE));
  }

  /** Compiled from Kotlin (kapt's stubs keep the class's {@code @kotlin.Metadata}). */
  private static boolean isKotlin(TypeElement type) {
    return type.getAnnotationMirrors().stream().anyMatch(a ->
        ((TypeElement) a.getAnnotationType().asElement()).getQualifiedName()
            .contentEquals("kotlin.Metadata"));
  }

  /** An array, or a java.util Collection or Map: containers whose size javac cannot know. */
  private boolean isCollection(TypeMirror type) {
    if (type.getKind() == TypeKind.ARRAY) {
      return true;
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return false;
    }
    TypeMirror erased = types.erasure(type);
    for (String container : List.of("java.util.Collection", "java.util.Map")) {
      TypeElement c = elements.getTypeElement(container);
      if (c != null && types.isAssignable(erased, types.erasure(c.asType()))) {
        return true;
      }
    }
    return false;
  }

  private boolean isMapOfTensors(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return false;
    }
    DeclaredType declared = (DeclaredType) type;
    TypeElement map = elements.getTypeElement("java.util.Map");
    if (!types.isSameType(types.erasure(type), types.erasure(map.asType()))
        || declared.getTypeArguments().size() != 2) {
      return false;
    }
    TypeMirror key = declared.getTypeArguments().get(0);
    TypeMirror val = declared.getTypeArguments().get(1);
    if (val instanceof WildcardType wildcard && wildcard.getExtendsBound() != null) {
      val = wildcard.getExtendsBound(); // Kotlin's Map<String, out Tensor>
    }
    return types.isSameType(key, elements.getTypeElement("java.lang.String").asType())
        && types.isSameType(val, elements.getTypeElement(TENSOR).asType());
  }

  /**
   * OUT-NAMES: non-empty, valid, unique, distinct constants, one per tensor, and none naming
   * another position's record component ({@code components}: the record's accessors, in order).
   */
  private boolean checkOutputNames(
      List<String> names,
      int arity,
      List<String> components,
      ExecutableElement method,
      AnnotationMirror mirror,
      String where,
      Report report) {
    AnnotationValue whole = value(mirror, "value");
    List<AnnotationValue> each = new ArrayList<>();
    if (whole != null && whole.getValue() instanceof List<?> list) {
      for (Object item : list) {
        each.add((AnnotationValue) item);
      }
    }
    boolean ok = true;
    if (names.isEmpty()) {
      report.error("[OUT-NAMES] " + where + ": @ExportOutput names no output; name each returned"
          + " tensor, e.g. @ExportOutput(\"score\")", method, mirror, whole);
      return false;
    }
    Map<String, String> byConstant = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      AnnotationValue at = i < each.size() ? each.get(i) : whole;
      if (!OUTPUT_NAME.matcher(name).matches()) {
        report.error("[OUT-NAMES] " + where + ": output name '" + name + "' is not a valid name;"
            + " use letters, digits and '_', not starting with a digit", method, mirror, at);
        ok = false;
        continue;
      }
      String constant = ModelDescriptor.outputConstant(name);
      if (constant.equals(ModelDescriptor.OUTPUT_NAMES_CONSTANT)) {
        report.error("[OUT-NAMES] " + where + ": output name '" + name + "' is reserved (its"
            + " constant would be " + constant + ", which the exporter keeps for the list of all"
            + " output names); rename it", method, mirror, at);
        ok = false;
        continue;
      }
      String clash = byConstant.putIfAbsent(constant, name);
      if (clash != null) {
        report.error("[OUT-NAMES] " + where + ": output name '" + name + "' is "
            + (clash.equals(name) ? "a duplicate; output names must be unique"
                : "the same constant " + constant + " as " + clash + "; rename one"),
            method, mirror, at);
        ok = false;
      }
    }
    if (arity > 0 && arity != names.size()) {
      report.error("[OUT-NAMES] " + where + ": @ExportOutput has " + names.size() + " name"
          + (names.size() == 1 ? " " : "s ") + names + " but the dense output has " + arity
          + " tensor" + (arity == 1 ? "" : "s") + "; give exactly one name per tensor, in order",
          method, mirror, whole);
      ok = false;
    }
    // Outputs go by position: ("cvr", "ctr") over record (ctr, cvr) would serve the ctr tensor
    // under the name cvr, a mix-up nothing later could notice. (Only once the names are otherwise
    // fine: a duplicate or a missing name already shifts them.)
    boolean namesFine = ok;
    for (int i = 0; namesFine && i < names.size() && i < components.size(); i++) {
      int component = components.indexOf(names.get(i));
      if (component >= 0 && component != i) {
        report.error("[OUT-NAMES] " + where + ": output " + (i + 1) + " is named '" + names.get(i)
            + "', but the component " + names.get(i) + " is output " + (component + 1)
            + "; outputs are named by position, so list the names in component order "
            + components, method, mirror, i < each.size() ? each.get(i) : whole);
        ok = false;
      }
    }
    return ok;
  }

  // ---------------------------------------------------------------- helpers

  /** "an interface", "an enum", "an annotation type" (for messages). */
  private static String kindWithArticle(ElementKind kind) {
    String name = switch (kind) {
      case ANNOTATION_TYPE -> "annotation type";
      default -> kind.toString().toLowerCase(Locale.ROOT);
    };
    return ("aeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
  }

  /**
   * Whether code in {@code pkg} can use {@code member} through a reference of type {@code via}.
   * That asks for the member's own access and {@code via}'s, not its declaring class's (JLS
   * 6.6.1): a public member inherited from a package-private class in another package is usable
   * through a public subclass, as StringBuilder's methods are.
   */
  private boolean accessibleThrough(Element member, TypeElement via, PackageElement pkg) {
    Set<Modifier> modifiers = member.getModifiers();
    if (modifiers.contains(Modifier.PRIVATE)
        || (!modifiers.contains(Modifier.PUBLIC) && !samePackage(member, pkg))) {
      return false;
    }
    return accessibleFrom(via, pkg);
  }

  private boolean accessibleFrom(Element element, PackageElement pkg) {
    for (Element e = element; e != null && e.getKind() != ElementKind.PACKAGE;
        e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        return false;
      }
      if (!e.getModifiers().contains(Modifier.PUBLIC) && !elements.getPackageOf(e).equals(pkg)) {
        return false;
      }
    }
    return true;
  }

  private boolean typeAccessibleFrom(TypeMirror type, PackageElement pkg) {
    if (type.getKind() != TypeKind.DECLARED) {
      return true;
    }
    if (!accessibleFrom(types.asElement(type), pkg)) {
      return false;
    }
    return ((DeclaredType) type).getTypeArguments().stream()
        .allMatch(arg -> typeAccessibleFrom(arg, pkg));
  }

  /** What {@code @RecModel} declares, with defaults filled in. */
  private record Declared(String fg, String mc, Target target, boolean lowerCase) {}

  /**
   * Reads {@code @RecModel} from its mirror rather than through {@code getAnnotation}, which would
   * build a proxy class in every compile; null if javac could not resolve a value.
   */
  private @Nullable Declared declared(AnnotationMirror recModel) {
    if (versionSkew(recModel) != null) {
      return null;
    }
    Object fg = valueWithDefault(recModel, "fg").getValue();
    Object mc = valueWithDefault(recModel, "mc").getValue();
    Object target = valueWithDefault(recModel, "target").getValue();
    Object lowerCase = valueWithDefault(recModel, "lowerCase").getValue();
    if (!(fg instanceof String fgName) || !(mc instanceof String mcName)
        || !(target instanceof VariableElement targetConstant)
        || !(lowerCase instanceof Boolean lower)) {
      return null;
    }
    return new Declared(fgName, mcName,
        Target.valueOf(targetConstant.getSimpleName().toString()), lower);
  }

  /**
   * How the {@code @RecModel} javac sees differs from the one this processor was built with (an
   * element missing, a {@link Target} it does not know), or null if it does not: the
   * recship-annotations on the compile classpath and the processor come from different versions.
   */
  private @Nullable String versionSkew(AnnotationMirror recModel) {
    for (String name : List.of("fg", "mc", "target", "lowerCase")) {
      if (valueWithDefaultOrNull(recModel, name) == null) {
        return "it has no element " + name + "()";
      }
    }
    if (valueWithDefault(recModel, "target").getValue() instanceof VariableElement constant) {
      String name = constant.getSimpleName().toString();
      if (Arrays.stream(Target.values()).noneMatch(t -> t.name().equals(name))) {
        return "this processor knows no Target." + name;
      }
    }
    return null;
  }

  /** The value of {@code name}, as written or defaulted. */
  private AnnotationValue valueWithDefault(AnnotationMirror mirror, String name) {
    AnnotationValue value = valueWithDefaultOrNull(mirror, name);
    if (value == null) {
      throw new IllegalStateException("@" + mirror.getAnnotationType() + " has no element " + name);
    }
    return value;
  }

  /** As {@link #valueWithDefault}; null if the annotation (another version) has no such element. */
  private @Nullable AnnotationValue valueWithDefaultOrNull(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        elements.getElementValuesWithDefaults(mirror).entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return entry.getValue();
      }
    }
    return null;
  }

  static @Nullable AnnotationMirror mirror(
      Element element, Class<? extends Annotation> annotation) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(annotation.getCanonicalName())) {
        return mirror;
      }
    }
    return null;
  }

  /** The value as written in source (null if defaulted, so it has no position). */
  private static @Nullable AnnotationValue value(@Nullable AnnotationMirror mirror, String name) {
    if (mirror == null) {
      return null;
    }
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return entry.getValue();
      }
    }
    return null;
  }
}
