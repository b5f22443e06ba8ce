package io.recship.sparse;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * The id functions of RecIS' feature chain (§1.2), bit-exact with its kernels
 * ({@code csrc/ops/fused_hash_kernel.cu}, {@code fused_op_impl.py}):
 *
 * <ul>
 *   <li>{@code farmhash}: FarmHash {@code Fingerprint64} of the UTF-8 bytes (Guava's
 *       {@code farmHashFingerprint64} is the same function);
 *   <li>{@code murmur}: TensorFlow's {@code MurMurHash64} (= MurmurHash64A) of the UTF-8 bytes,
 *       seed 0;
 *   <li>{@code mod}: unsigned 64-bit remainder ({@code fused_uint64_mod_gpu}), so a hash with
 *       the top bit set still lands in {@code [0, bucketSize)}.
 * </ul>
 */
public final class IdHash {
  private static final HashFunction FARM = Hashing.farmHashFingerprint64();
  private static final long M = 0xc6a4a7935bd1e995L;
  private static final int R = 47;

  private IdHash() {}

  public static long farmhash(String value) {
    return FARM.hashBytes(value.getBytes(StandardCharsets.UTF_8)).asLong();
  }

  public static long murmur(String value) {
    return murmur64(value.getBytes(StandardCharsets.UTF_8), 0);
  }

  /** MurmurHash64A with {@code seed}, little-endian 8-byte blocks (what RecIS compiles to on x86/CUDA). */
  public static long murmur64(byte[] data, long seed) {
    int n = data.length;
    long h = seed ^ (n * M);
    int i = 0;
    for (; n - i >= 8; i += 8) {
      long k = (data[i] & 0xffL)
          | (data[i + 1] & 0xffL) << 8
          | (data[i + 2] & 0xffL) << 16
          | (data[i + 3] & 0xffL) << 24
          | (data[i + 4] & 0xffL) << 32
          | (data[i + 5] & 0xffL) << 40
          | (data[i + 6] & 0xffL) << 48
          | (data[i + 7] & 0xffL) << 56;
      k *= M;
      k ^= k >>> R;
      k *= M;
      h ^= k;
      h *= M;
    }
    int rest = n - i;
    if (rest > 0) {
      for (int j = rest - 1; j >= 0; j--) {
        h ^= (data[i + j] & 0xffL) << (8 * j);
      }
      h *= M;
    }
    h ^= h >>> R;
    h *= M;
    h ^= h >>> R;
    return h;
  }

  /** {@code id mod bucketSize} treating {@code id} as unsigned, as RecIS' Mod op does. */
  public static long mod(long id, long bucketSize) {
    if (bucketSize <= 0) {
      throw new IllegalArgumentException("bucket size must be positive, got " + bucketSize);
    }
    return Long.remainderUnsigned(id, bucketSize);
  }

  /**
   * RecIS' {@code Bucketize}: the number of boundaries {@code <= value}, with value and boundaries
   * compared as float32 ({@code fused_bucketize_gpu} casts both). A value equal to a boundary goes
   * to the bucket on its right, i.e. {@code torch.bucketize(v, b, right=True)}; NaN goes last.
   */
  public static long bucketize(double value, float[] boundaries) {
    float v = (float) value;
    int lo = 0;
    int count = boundaries.length;
    while (count > 0) {
      int step = count / 2;
      int mid = lo + step;
      if (!(v < boundaries[mid])) {
        lo = mid + 1;
        count -= step + 1;
      } else {
        count = step;
      }
    }
    return lo;
  }
}
