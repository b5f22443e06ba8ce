package io.recship.checkpoint;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * A little-endian {@link TensorSink} over a file channel with one reusable direct buffer.
 *
 * <p>With a digest, every byte written is also hashed, on a second thread: the writer fills one
 * buffer and writes it to the file while the other buffer, written just before, is hashed, so a
 * save costs about the larger of (producing and writing the bytes, hashing them) instead of their
 * sum. The write stays on the caller's thread because producing rows is cheaper than SHA-256:
 * that balances the two threads best.
 */
final class ChannelSink implements TensorSink, AutoCloseable {
  static final int BUFFER_BYTES = 1 << 20;

  private final FileChannel channel;
  private final @Nullable MessageDigest digest;
  private ByteBuffer buf = newBuffer();
  private long written;
  // with a digest: the buffer being hashed (not to be filled before hashing is done), its job,
  // and the hashing thread, started by the first full buffer (small files are hashed inline)
  private @Nullable ByteBuffer hashed;
  private @Nullable Future<?> hashing;
  private @Nullable ExecutorService hasher;

  ChannelSink(FileChannel channel) {
    this(channel, null);
  }

  /** {@code digest} non-null: hash every byte written, in order. */
  ChannelSink(FileChannel channel, @Nullable MessageDigest digest) {
    this.channel = channel;
    this.digest = digest;
  }

  private static ByteBuffer newBuffer() {
    return ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  }

  long written() {
    return written;
  }

  private void ensure(int bytes) throws IOException {
    if (buf.remaining() < bytes) {
      flush();
    }
  }

  /** Writes the buffer to the file; with a digest, hands it to the hashing thread. */
  void flush() throws IOException {
    writeBuffer();
    MessageDigest md = digest;
    if (md == null) {
      buf.clear();
      return;
    }
    awaitHashing();
    ByteBuffer full = buf.rewind();
    if (hasher == null) {
      hasher =
          Executors.newSingleThreadExecutor(
              new ThreadFactoryBuilder()
                  .setNameFormat("recship-checkpoint-hash-%d")
                  .setDaemon(true)
                  .build());
    }
    hashing = hasher.submit(() -> md.update(full));
    ByteBuffer free = hashed;
    hashed = full;
    buf = free != null ? free.clear() : newBuffer();
  }

  /**
   * Writes what is buffered and returns the lower-case hex SHA-256 of every byte written, or null
   * without a digest. The last buffer is hashed on this thread: there is nothing left to overlap.
   */
  @Nullable String finish() throws IOException {
    writeBuffer();
    MessageDigest md = digest;
    if (md == null) {
      buf.clear();
      return null;
    }
    awaitHashing();
    md.update(buf.rewind());
    buf.clear();
    return HexFormat.of().formatHex(md.digest());
  }

  private void writeBuffer() throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  private void awaitHashing() throws IOException {
    Future<?> job = hashing;
    if (job == null) {
      return;
    }
    try {
      job.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while hashing the checkpoint file");
    } catch (ExecutionException e) {
      throw new IllegalStateException("hashing the checkpoint file failed", e.getCause());
    }
    hashing = null;
  }

  /** Stops the hashing thread (the channel belongs to the caller). */
  @Override
  public void close() {
    if (hasher != null) {
      hasher.shutdownNow();
    }
  }

  void putRaw(byte[] bytes) throws IOException {
    int off = 0;
    while (off < bytes.length) {
      ensure(1);
      int n = Math.min(buf.remaining(), bytes.length - off);
      buf.put(bytes, off, n);
      off += n;
    }
    written += bytes.length;
  }

  @Override
  public void putFloat(float v) throws IOException {
    ensure(4);
    buf.putFloat(v);
    written += 4;
  }

  @Override
  public void putFloats(float[] src, int offset, int length) throws IOException {
    int done = 0;
    while (done < length) {
      ensure(4);
      int n = Math.min(buf.remaining() / 4, length - done);
      buf.asFloatBuffer().put(src, offset + done, n);
      buf.position(buf.position() + n * 4);
      done += n;
    }
    written += 4L * length;
  }

  @Override
  public void putDouble(double v) throws IOException {
    ensure(8);
    buf.putDouble(v);
    written += 8;
  }

  @Override
  public void putLong(long v) throws IOException {
    ensure(8);
    buf.putLong(v);
    written += 8;
  }

  @Override
  public void putLongs(long[] src, int offset, int length) throws IOException {
    int done = 0;
    while (done < length) {
      ensure(8);
      int n = Math.min(buf.remaining() / 8, length - done);
      buf.asLongBuffer().put(src, offset + done, n);
      buf.position(buf.position() + n * 8);
      done += n;
    }
    written += 8L * length;
  }

  @Override
  public void putInt(int v) throws IOException {
    ensure(4);
    buf.putInt(v);
    written += 4;
  }

  @Override
  public void putByte(byte v) throws IOException {
    ensure(1);
    buf.put(v);
    written += 1;
  }
}
