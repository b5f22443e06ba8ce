package io.recship.tensor;

import ai.djl.ndarray.types.DataType;

/** Element types a {@link Tensor} can hold, with their DJL and TorchScript names. */
public enum DType {
  FLOAT32(DataType.FLOAT32, "torch.float32", 6),
  FLOAT64(DataType.FLOAT64, "torch.float64", 7),
  FLOAT16(DataType.FLOAT16, "torch.float16", 5),
  BFLOAT16(DataType.BFLOAT16, "torch.bfloat16", 15),
  INT64(DataType.INT64, "torch.int64", 4),
  INT32(DataType.INT32, "torch.int32", 3),
  INT8(DataType.INT8, "torch.int8", 1),
  UINT8(DataType.UINT8, "torch.uint8", 0),
  BOOL(DataType.BOOLEAN, "torch.bool", 11);

  private final DataType djl;
  private final String torchName;
  private final int scalarTypeCode;

  DType(DataType djl, String torchName, int scalarTypeCode) {
    this.djl = djl;
    this.torchName = torchName;
    this.scalarTypeCode = scalarTypeCode;
  }

  /**
   * libtorch's {@code ScalarType} number. Serialized TorchScript spells dtypes this way ({@code
   * torch.to(x, 6)}); the name {@code torch.float32} is not a value there.
   */
  public int scalarTypeCode() {
    return scalarTypeCode;
  }

  public DataType toDjl() {
    return djl;
  }

  /** The dtype as TorchScript spells it, e.g. {@code torch.float32}. */
  public String torchName() {
    return torchName;
  }

  public boolean isFloatingPoint() {
    return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
  }

  public static DType of(DataType type) {
    for (DType d : values()) {
      if (d.djl == type) {
        return d;
      }
    }
    throw new IllegalArgumentException("DJL data type " + type + " has no RecShip DType");
  }
}
