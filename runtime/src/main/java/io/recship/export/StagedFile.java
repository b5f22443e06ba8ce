package io.recship.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A new file in the staging folder, written front to back. After every append it tells the
 * hashing thread ({@link FileHashes}) how far the file is written, so the hash follows the writer
 * instead of re-reading the file afterwards.
 *
 * <p>Use with try-with-resources and call {@link #finish} after the last write: a file closed
 * without {@code finish} (the writer failed) is never described by its partial hash.
 */
final class StagedFile implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private long written;
  private boolean finished;
  private boolean closed;

  private StagedFile(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  /** Creates {@code path}; refuses to overwrite, so nothing else can have written it. */
  static StagedFile create(Path path) throws IOException {
    return new StagedFile(
        path, FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  Path path() {
    return path;
  }

  /** Appends all of {@code bytes}. */
  void write(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    advanced();
  }

  /**
   * Appends {@code [position, position + length)} of {@code in}; the kernel moves the bytes
   * ({@code sendfile}), one chunk at a time so the hash can follow.
   */
  void transferFrom(FileChannel in, long position, long length, Transfers.Progress bar)
      throws IOException {
    long done = 0;
    while (done < length) {
      long n = in.transferTo(position + done, Math.min(Transfers.CHUNK, length - done), channel);
      if (n <= 0) {
        throw new IOException(
            "unexpected end of file after " + (position + done) + " of " + (position + length)
                + " bytes");
      }
      done += n;
      bar.step(n);
      advanced();
    }
  }

  /** Size written so far. */
  long size() throws IOException {
    return channel.position();
  }

  /** The last write is done: the hash covers the file as it is now. */
  void finish() throws IOException {
    long end = channel.position();
    synchronized (this) {
      written = end;
      finished = true;
      notifyAll();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      synchronized (this) {
        closed = true;
        notifyAll();
      }
    }
  }

  private void advanced() throws IOException {
    long end = channel.position();
    synchronized (this) {
      written = end;
      notifyAll();
    }
  }

  /**
   * Waits until the file is written beyond {@code position} or finished; returns how far it is
   * written ({@code == position} once the whole file is read).
   *
   * @throws IOException if the writer closed the file without finishing it
   */
  synchronized long awaitWrittenBeyond(long position) throws IOException, InterruptedException {
    while (written <= position && !finished && !closed) {
      wait();
    }
    if (written <= position && !finished) {
      throw new IOException("the export stopped writing " + path + " before it was complete");
    }
    return written;
  }
}
