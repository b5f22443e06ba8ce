package io.recship.torchscript;

import ai.djl.ndarray.types.DataType;

/**
 * Element types a tensor attribute can be stored as, with the names torch's pickle format uses
 * for their storages ({@code torch.FloatStorage}, ...).
 */
public enum ScalarType {
  FLOAT("Float", 6, 4, DataType.FLOAT32),
  DOUBLE("Double", 7, 8, DataType.FLOAT64),
  HALF("Half", 5, 2, DataType.FLOAT16),
  BFLOAT16("BFloat16", 15, 2, DataType.BFLOAT16),
  LONG("Long", 4, 8, DataType.INT64),
  INT("Int", 3, 4, DataType.INT32),
  /** Signed 8-bit integer ({@code torch.int8}). */
  CHAR("Char", 1, 1, DataType.INT8),
  /** Unsigned 8-bit integer ({@code torch.uint8}). */
  BYTE("Byte", 0, 1, DataType.UINT8),
  /** One byte per element, 0 or 1. */
  BOOL("Bool", 11, 1, DataType.BOOLEAN);

  private final String storageName;
  private final int torchCode;
  private final int byteSize;
  private final DataType djlType;

  ScalarType(String storageName, int torchCode, int byteSize, DataType djlType) {
    this.storageName = storageName;
    this.torchCode = torchCode;
    this.byteSize = byteSize;
    this.djlType = djlType;
  }

  /** The pickle global of this type's storage class, e.g. {@code FloatStorage}. */
  public String storageClassName() {
    return storageName + "Storage";
  }

  /**
   * torch's {@code c10::ScalarType} number, which is how serialized TorchScript writes a dtype:
   * {@code x.to(6)} converts to float32 ({@code torch.float32} is not usable as a value in
   * archive code: "builtin cannot be used as a value").
   */
  public int torchCode() {
    return torchCode;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** The matching DJL data type. */
  public DataType toDataType() {
    return djlType;
  }

  /**
   * The scalar type of a DJL data type.
   *
   * @throws IllegalArgumentException for DJL types torch archives cannot hold (strings, ...)
   */
  public static ScalarType of(DataType dataType) {
    for (ScalarType t : values()) {
      if (t.djlType == dataType) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "DJL data type "
            + dataType
            + " cannot be stored in a TorchScript archive; convert the array to one of "
            + java.util.Arrays.toString(values())
            + " first"
            + (dataType == DataType.UNKNOWN
                ? " (DJL 0.36 reports libtorch bfloat16 arrays as UNKNOWN: convert them to float32)"
                : ""));
  }
}
