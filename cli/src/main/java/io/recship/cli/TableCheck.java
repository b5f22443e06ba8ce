package io.recship.cli;

import io.recship.checkpoint.RecisLayout;
import io.recship.cli.ExportInspection.Check;
import io.recship.cli.ExportInspection.Table;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.ResolvedFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The "tables" check of {@code recship inspect}: the tables the {@code *.safetensors} files hold
 * (their headers), the RTP table manifest and {@code fg.json} agree on which tables there are and
 * on their rows and dims. RTP builds its tables from the manifest and looks rows up by the fg, so
 * a disagreement is a broken delivery even when every file is intact.
 */
final class TableCheck {
  private static final String MANIFEST = RecisLayout.MANIFEST_JSON;

  private TableCheck() {}

  /**
   * @param fromManifest the manifest's tables, or null when the export has no manifest
   * @param fg the export's FG, or null when it does not load (the "fg" check reports why)
   */
  static Check of(List<Table> fromHeaders, @Nullable List<Table> fromManifest, @Nullable FeatureGenerator fg) {
    Map<String, Table> stored = new LinkedHashMap<>();
    fromHeaders.forEach(t -> stored.put(t.name(), t));
    List<String> problems = new ArrayList<>();
    if (fromManifest != null) {
      Map<String, Table> listed = new LinkedHashMap<>();
      fromManifest.forEach(t -> listed.put(t.name(), t));
      listed.forEach((name, t) -> {
        Table s = stored.get(name);
        if (s == null) {
          problems.add("table '" + name + "' is in " + MANIFEST + " but in no *.safetensors file");
        } else if (t.dim() < 0) {
          problems.add("table '" + name + "': " + MANIFEST + " gives a \"dimension\" that differs from its \"shape\"");
        } else if (s.rows() != t.rows() || s.dim() != t.dim()) {
          problems.add("table '" + name + "': " + MANIFEST + " says " + t.rows() + " rows x " + t.dim()
              + ", the *.safetensors files hold " + s.rows() + " x " + s.dim());
        } else if (!s.dtype().equals(t.dtype())) {
          problems.add("table '" + name + "': " + MANIFEST + " says dtype " + t.dtype()
              + ", the *.safetensors files hold " + s.dtype());
        }
      });
      stored.keySet().stream().filter(n -> !listed.containsKey(n))
          .forEach(n -> problems.add("table '" + n + "' is in the *.safetensors files but not in " + MANIFEST));
    }
    if (fg != null) {
      for (ResolvedFeature f : fg.features()) {
        if (!f.isLookup()) {
          continue;
        }
        Table s = stored.get(f.sharedName());
        if (s == null) {
          problems.add("feature '" + f.name() + "' looks up table '" + f.sharedName() + "', which no *.safetensors file holds");
        } else if (s.dim() != f.embeddingDimension()) {
          problems.add("table '" + f.sharedName() + "' has dim " + s.dim() + ", fg.json gives feature '" + f.name()
              + "' embedding_dimension " + f.embeddingDimension());
        }
      }
    }
    // say what was left out, so "ok" is not read as "fg.json agrees too"
    String skipped = fg == null ? "; not compared with fg.json, which does not load (see the fg check)" : "";
    if (!problems.isEmpty()) {
      // a fresh export either fixes the folder or, checking the checkpoint first, names what it lacks
      return new Check("tables", false, String.join("; ", problems) + "; export again from the checkpoint (if"
          + " the export refuses it, the checkpoint itself has the problem and its message says which)" + skipped);
    }
    return new Check("tables", true, stored.size() + " tables agree across the *.safetensors headers"
        + (fromManifest != null ? ", " + MANIFEST : "") + (fg != null ? " and fg.json" : "") + " (rows, dim)" + skipped);
  }
}
