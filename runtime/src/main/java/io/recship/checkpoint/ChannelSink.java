package io.recship.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/** A little-endian {@link TensorSink} over a file channel with one reusable direct buffer. */
final class ChannelSink implements TensorSink {
  private static final int BUFFER_BYTES = 1 << 20;

  private final FileChannel channel;
  private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private long written;

  ChannelSink(FileChannel channel) {
    this.channel = channel;
  }

  long written() {
    return written;
  }

  private void ensure(int bytes) throws IOException {
    if (buf.remaining() < bytes) {
      flush();
    }
  }

  void flush() throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    buf.clear();
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
