package io.recship.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IdHashTest {
  @Test
  void farmhashMatchesFingerprint64ReferenceVectors() {
    // FarmHash Fingerprint64 vectors (Guava's FarmHashFingerprint64Test, checked against the C++
    // reference); lengths 4, 32 and 256 take the <=16, 17..32 and >64 byte code paths.
    assertThat(IdHash.farmhash("test")).isEqualTo(8581389452482819506L);
    assertThat(IdHash.farmhash("test".repeat(8))).isEqualTo(-4196240717365766262L);
    assertThat(IdHash.farmhash("test".repeat(64))).isEqualTo(3500507768004279527L);
    // empty input returns the constant k2 in farmhashna::Hash64
    assertThat(IdHash.farmhash("")).isEqualTo(0x9ae16a3b2f90404fL);
  }

  @Test
  void farmhashHashesUtf8Bytes() {
    assertThat(IdHash.farmhash("caf\u00e9"))
        .isEqualTo(com.google.common.hash.Hashing.farmHashFingerprint64()
            .hashBytes(new byte[] {'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9}).asLong());
  }

  @Test
  void murmurIsMurmurHash64A() {
    long seed = 0xc6a4a7935bd1e995L; // published MurmurHash64A vectors use this seed
    assertThat(IdHash.murmur64(bytes(""), seed)).isEqualTo(0x1ab11ea5a7b2c56eL);
    assertThat(IdHash.murmur64(bytes("a"), seed)).isEqualTo(0x4292cee227b9150aL);
    assertThat(IdHash.murmur64(bytes("hello"), seed)).isEqualTo(0x5ba5b8a59803e699L);
    assertThat(IdHash.murmur64(bytes("hello\0world"), seed)).isEqualTo(0xdcd0bc9f75315849L);
    // RecIS hashes with seed 0; the empty string then hashes to 0
    assertThat(IdHash.murmur("")).isZero();
    assertThat(IdHash.murmur("hello")).isEqualTo(IdHash.murmur64(bytes("hello"), 0));
  }

  @Test
  void modIsUnsignedLikeRecis() {
    long negative = IdHash.farmhash("test".repeat(8)); // top bit set
    assertThat(negative).isNegative();
    long m = IdHash.mod(negative, 1000);
    assertThat(m).isBetween(0L, 999L);
    // 2^64 - 4196240717365766262 = 14250503356343785354
    assertThat(m).isEqualTo(354L);
    assertThat(IdHash.mod(-1L, 10)).isEqualTo(5L); // 18446744073709551615 % 10
    assertThatThrownBy(() -> IdHash.mod(3, 0)).hasMessageContaining("positive");
  }

  @Test
  void bucketizePutsBoundaryValuesToTheRight() {
    float[] b = {0f, 2f, 3f};
    assertThat(IdHash.bucketize(-0.5, b)).isZero();
    assertThat(IdHash.bucketize(0.0, b)).isEqualTo(1); // == boundary -> right bucket
    assertThat(IdHash.bucketize(1.99, b)).isEqualTo(1);
    assertThat(IdHash.bucketize(2.0, b)).isEqualTo(2);
    assertThat(IdHash.bucketize(2.5, b)).isEqualTo(2);
    assertThat(IdHash.bucketize(3.0, b)).isEqualTo(3);
    assertThat(IdHash.bucketize(1e9, b)).isEqualTo(3);
    assertThat(IdHash.bucketize(Double.NaN, b)).isEqualTo(3);
    assertThat(IdHash.bucketize(5, new float[0])).isZero();
  }

  @Test
  void bucketizeComparesInFloat32() {
    // 0.1 as double is above 0.1f? No: 0.1f = 0.100000001490116..., so the double 0.1 is below it,
    // but RecIS casts the value to float first, making them equal -> right bucket.
    assertThat(IdHash.bucketize(0.1, new float[] {0.1f})).isEqualTo(1);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
