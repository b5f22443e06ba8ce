package io.recship.export;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/** Zero-copy byte moves between files ({@code FileChannel.transferTo}), with a progress bar. */
final class Transfers {
  /** Files at least this large get a progress bar; smaller ones finish before it would draw. */
  static final long PROGRESS_BAR_MIN_BYTES = 64L << 20;

  private static final long CHUNK = 64L << 20;

  private Transfers() {}

  /** Copies a whole file; the kernel moves the bytes (copy_file_range / sendfile). */
  static void copy(Path from, Path to) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Progress bar = Progress.forBytes("copy " + from.getFileName(), in.size())) {
      transfer(in, 0, in.size(), out, bar);
    }
  }

  /** Appends {@code [position, position + length)} of {@code in} to {@code out}. */
  static void transfer(FileChannel in, long position, long length, FileChannel out, Progress bar)
      throws IOException {
    long done = 0;
    while (done < length) {
      long n = in.transferTo(position + done, Math.min(CHUNK, length - done), out);
      if (n <= 0) {
        throw new IOException(
            "unexpected end of file after " + (position + done) + " of " + (position + length)
                + " bytes");
      }
      done += n;
      bar.step(n);
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
