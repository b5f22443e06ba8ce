package io.recship.trace;

import io.recship.tensor.Tensor;
import java.security.CodeSource;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** Finds the Java frame that applied an op, for trace error messages. */
final class CallSite {
  private CallSite() {}

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  /**
   * The first frame outside RecShip's runtime (the user's code), followed by the innermost
   * library frame outside the tensor and trace packages when that differs (e.g. {@code
   * Linear.forward}).
   */
  static String current() {
    List<StackWalker.StackFrame> frames =
        WALKER.walk(s -> s.filter(f -> !isInternal(f.getDeclaringClass())).limit(64).collect(Collectors.toList()));
    StackWalker.StackFrame user = null;
    for (StackWalker.StackFrame f : frames) {
      if (!isRuntime(f.getDeclaringClass())) {
        user = f;
        break;
      }
    }
    StackWalker.StackFrame inner = frames.isEmpty() ? null : frames.get(0);
    if (user == null) {
      return inner == null ? "<unknown>" : format(inner);
    }
    if (inner != null && inner != user && isRuntime(inner.getDeclaringClass())) {
      return format(user) + " (in " + format(inner) + ")";
    }
    return format(user);
  }

  private static String format(StackWalker.StackFrame f) {
    return f.toStackTraceElement().toString();
  }

  private static boolean isInternal(Class<?> c) {
    String p = c.getPackageName();
    return (p.equals("io.recship.tensor") || p.equals("io.recship.trace")) && isRuntime(c);
  }

  private static boolean isRuntime(Class<?> c) {
    return Objects.equals(codeSource(c), codeSource(Tensor.class)) || c.getName().startsWith("java.");
  }

  private static String codeSource(Class<?> c) {
    CodeSource cs = c.getProtectionDomain().getCodeSource();
    return cs == null || cs.getLocation() == null ? "" : cs.getLocation().toString();
  }
}
