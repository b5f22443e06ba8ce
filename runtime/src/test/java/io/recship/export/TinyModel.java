package io.recship.export;

import io.recship.checkpoint.SafetensorsWriter;
import io.recship.checkpoint.TensorEntry;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgOptions;
import io.recship.nn.Linear;
import io.recship.nn.Module;
import io.recship.nn.Parameter;
import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A two-output dense net over the blocks of the test FG ({@code user} [B,6], {@code item} [B,4]). */
public final class TinyModel extends Module {
  final Linear userTower = register("user_tower", new Linear(6, 4, true, new Random(1)));
  final Linear head = register("head", new Linear(8, 2, true, new Random(2)));

  /** {@code @ExportOutput({"ctr", "cvr"})}. */
  public List<Tensor> forward(Blocks b) {
    Tensor u = userTower.forward(b.get("user")).relu();
    Tensor h = head.forward(Tensor.cat(-1, u, b.get("item")));
    return List.of(h.narrow(1, 0, 1).sigmoid(), h.narrow(1, 1, 1).sigmoid());
  }

  public static FeatureGenerator fg() {
    Path dir = Path.of("src/test/resources/io/recship/export");
    return FeatureGenerator.load(dir.resolve("fg.json"), dir.resolve("mc.json"), FgOptions.DEFAULT);
  }

  public static Blocks blocks(long seed, int rows) {
    Random r = new Random(seed);
    float[] user = new float[rows * 6];
    float[] item = new float[rows * 4];
    for (int i = 0; i < user.length; i++) {
      user[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < item.length; i++) {
      item[i] = (float) r.nextGaussian();
    }
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("user", Tensor.of(user, rows, 6));
    m.put("item", Tensor.of(item, rows, 4));
    return Blocks.of(m);
  }

  /**
   * Writes a RecIS checkpoint: the three tables (with Adam slots) and {@code dense.safetensors}
   * holding this module's parameters shifted by {@code shift}, under the {@code dense.} prefix
   * RecIS' state dict has.
   */
  void writeCheckpoint(Path dir, float shift) {
    TestCheckpoints.write(
        dir,
        TestCheckpoints.table("user_id", 20, 4),
        TestCheckpoints.table("gender", 3, 2),
        TestCheckpoints.table("item_id", 20, 4));
    List<TensorEntry> dense = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
      float[] v = e.getValue().toFloatArray();
      for (int i = 0; i < v.length; i++) {
        v[i] += shift;
      }
      dense.add(TensorEntry.ofFloats("dense." + e.getKey(), e.getValue().shape(), v));
    }
    SafetensorsWriter.write(dir.resolve("dense.safetensors"), dense);
  }
}
