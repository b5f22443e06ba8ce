package io.recship.export;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/** Zero-copy file copies ({@code FileChannel.transferTo}) into {@link StagedFile}s, with a progress bar. */
final class Transfers {
  /** Files at least this large get a progress bar; smaller ones finish before it would draw. */
  static final long PROGRESS_BAR_MIN_BYTES = 64L << 20;

  /**
   * Bytes per {@code transferTo} call: large enough that the syscalls cost nothing, small enough
   * that the hashing thread reads each chunk back while it is still in cache.
   */
  static final long CHUNK = 8L << 20;

  /** Width of the progress bar line: the shell's {@code COLUMNS} when exported, else 100. */
  private static final int WIDTH = columns(System.getenv("COLUMNS"));

  private Transfers() {}

  static int columns(@Nullable String env) {
    try {
      int c = env == null ? 0 : Integer.parseInt(env.trim());
      return c >= 40 ? c - 1 : 100;
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  /** Copies a whole file; the kernel moves the bytes ({@code sendfile}). */
  static void copy(Path from, StagedFile to) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        Progress bar = Progress.forBytes("copy " + from.getFileName(), in.size())) {
      to.transferFrom(in, 0, in.size(), bar);
    }
  }

  /** A progress bar that exists only for large work, so small exports log nothing but steps. */
  static final class Progress implements AutoCloseable {
    private final @Nullable ProgressBar bar;

    private Progress(@Nullable ProgressBar bar) {
      this.bar = bar;
    }

    static Progress forBytes(String task, long total) {
      if (total < PROGRESS_BAR_MIN_BYTES || Boolean.getBoolean("recship.noProgressBar")) {
        return new Progress(null);
      }
      return new Progress(
          new ProgressBarBuilder()
              // a console consumer of fixed width: by default the bar probes the terminal through
              // JLine for every file, which costs 40-500 ms, a fifth of copying 2 GB
              .setConsumer(new ConsoleProgressBarConsumer(System.err, WIDTH))
              .setTaskName(task)
              .setInitialMax(total)
              .setUnit(" MiB", 1L << 20)
              .setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(500)
              .showSpeed()
              .build());
    }

    void step(long n) {
      if (bar != null) {
        bar.stepBy(n);
      }
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }
}
