package io.recship.checkpoint;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Element types of the safetensors format, with the names RecIS maps them to in its manifest. */
public enum SafeDType {
  F64(8, "float64"),
  F32(4, "float32"),
  F16(2, "float16"),
  BF16(2, "bfloat16"),
  I64(8, "int64"),
  U64(8, "uint64"),
  I32(4, "int32"),
  U32(4, "uint32"),
  I16(2, "int16"),
  U16(2, "uint16"),
  I8(1, "int8"),
  U8(1, "uint8"),
  BOOL(1, "bool");

  private final int byteSize;
  private final String torchName;

  SafeDType(int byteSize, String torchName) {
    this.byteSize = byteSize;
    this.torchName = torchName;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** The name RecIS writes in {@code torch_rank_weights_embs_table_multi_shard.json} ("float32"). */
  public String torchName() {
    return torchName;
  }

  /** The safetensors header code ("F32"), or null if unknown. */
  static @Nullable SafeDType fromCode(String code) {
    try {
      return valueOf(code.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
