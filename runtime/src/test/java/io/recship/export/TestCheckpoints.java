package io.recship.export;

import io.recship.checkpoint.SparseCheckpointWriter;
import io.recship.checkpoint.TableSnapshot;
import io.recship.checkpoint.TensorSink;
import io.recship.checkpoint.TensorSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes small RecIS-layout checkpoints for tests. */
final class TestCheckpoints {
  private TestCheckpoints() {}

  /** A table of {@code rows} ids (0, 3, 6, ...) with deterministic embedding and Adam slots. */
  static TableSnapshot table(String name, int rows, int dim) {
    return new TableSnapshot() {
      @Override
      public String sharedName() {
        return name;
      }

      @Override
      public int dim() {
        return dim;
      }

      @Override
      public int size() {
        return rows;
      }

      @Override
      public List<String> slotNames() {
        return List.of("embedding", "sparse_adamw_exp_avg", "sparse_adamw_exp_avg_sq");
      }

      @Override
      public void writeIds(TensorSink sink) throws IOException {
        for (int r = 0; r < rows; r++) {
          sink.putLong(r * 3L);
        }
      }

      @Override
      public void writeSlot(String slot, TensorSink sink) throws IOException {
        float offset = slot.equals("embedding") ? 0f : 100f;
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < dim; c++) {
            sink.putFloat(offset + (r * dim + c) * 0.001f);
          }
        }
      }
    };
  }

  static void write(Path dir, TableSnapshot... tables) {
    SparseCheckpointWriter.write(dir, List.of(tables), List.<TensorSpec>of());
  }
}
