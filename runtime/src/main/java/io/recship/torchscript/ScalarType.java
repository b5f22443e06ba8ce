package io.recship.torchscript;

import ai.djl.ndarray.types.DataType;

/**
 * Element types a tensor attribute can be stored as, with the names torch's pickle format uses
 * for their storages ({@code torch.FloatStorage}, ...).
 */
public enum ScalarType {
  FLOAT("Float", 4, DataType.FLOAT32),
  DOUBLE("Double", 8, DataType.FLOAT64),
  HALF("Half", 2, DataType.FLOAT16),
  BFLOAT16("BFloat16", 2, DataType.BFLOAT16),
  LONG("Long", 8, DataType.INT64),
  INT("Int", 4, DataType.INT32),
  /** Signed 8-bit integer ({@code torch.int8}). */
  CHAR("Char", 1, DataType.INT8),
  /** Unsigned 8-bit integer ({@code torch.uint8}). */
  BYTE("Byte", 1, DataType.UINT8),
  /** One byte per element, 0 or 1. */
  BOOL("Bool", 1, DataType.BOOLEAN);

  private final String storageName;
  private final int byteSize;
  private final DataType djlType;

  ScalarType(String storageName, int byteSize, DataType djlType) {
    this.storageName = storageName;
    this.byteSize = byteSize;
    this.djlType = djlType;
  }

  /** The pickle global of this type's storage class, e.g. {@code FloatStorage}. */
  public String storageClassName() {
    return storageName + "Storage";
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
            + " first");
  }
}
