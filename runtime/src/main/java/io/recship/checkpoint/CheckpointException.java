package io.recship.checkpoint;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A checkpoint that cannot be written or read as asked. The message names the file, the tensor
 * key (when there is one) and how to fix it; the getters give the same facts to code.
 */
public final class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient @Nullable Path file;
  private final @Nullable String key;

  public CheckpointException(@Nullable Path file, @Nullable String key, String problem, String fix) {
    this(file, key, problem, fix, null);
  }

  public CheckpointException(
      @Nullable Path file, @Nullable String key, String problem, String fix, @Nullable Throwable cause) {
    super(format(file, key, problem, fix), cause);
    this.file = file;
    this.key = key;
  }

  private static String format(@Nullable Path file, @Nullable String key, String problem, String fix) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file).append(": ");
    }
    if (key != null) {
      sb.append("tensor '").append(key).append("': ");
    }
    sb.append(problem);
    if (!fix.isEmpty()) {
      sb.append(" Fix: ").append(fix);
    }
    return sb.toString();
  }

  /** The file at fault, if the problem is tied to one. */
  public @Nullable Path file() {
    return file;
  }

  /** The tensor key at fault, if the problem is tied to one. */
  public @Nullable String key() {
    return key;
  }
}
