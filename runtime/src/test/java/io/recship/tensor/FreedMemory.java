package io.recship.tensor;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Provokes a use after free of native memory that was in a Java direct buffer: collects garbage,
 * gives the cleaner time to free unreachable direct buffers, then allocates many buffers of about
 * the same size filled with 1e30 so that freed memory is reused and reads of it are visibly wrong.
 */
final class FreedMemory {
  private FreedMemory() {}

  static void collectAndReuse(int bytes) throws InterruptedException {
    int size = Math.max(Float.BYTES, bytes) & -Float.BYTES;
    List<ByteBuffer> junk = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(50);
      // the sizes around the freed block's, as a direct buffer's may be padded or aligned
      for (int i = 0; i < 256; i++) {
        for (int extra : new int[] {0, 63, 127}) {
          ByteBuffer b = ByteBuffer.allocateDirect(size + extra);
          for (int at = 0; at + Float.BYTES <= b.capacity(); at += Float.BYTES) {
            b.putFloat(at, 1e30f);
          }
          junk.add(b);
        }
      }
    }
    if (junk.isEmpty()) {
      throw new AssertionError("no buffers allocated");
    }
  }
}
