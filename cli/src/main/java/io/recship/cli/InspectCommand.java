package io.recship.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code recship inspect DIR}: what an export folder holds, and whether it is sound. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Show an export folder: its outputs, inputs (blocks), sparse tables and files, and check it:"
          + " every file against the manifest (size, SHA-256), the FG config, and that libtorch loads the TorchScript archive."
          + " The manifest decides which files are the export's: files in the folder that it does not list (a backup"
          + " *.pt, an old dense folder) are a warning (WARN), not part of the export, and not checked.",
      "A check that needs what another check found broken is not run (SKIPPED), and says why.",
      "Exit codes: 0 all checks pass (warnings included), 1 a check failed (also for a file of the export that is"
          + " missing, changed or does not parse: the check names it), 2 DIR is not an export folder (no such folder,"
          + " a training checkpoint, the dense folder inside an export, or a folder without a readable"
          + " recship-manifest.json and one dense folder)."
    })
final class InspectCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The export folder (the exporter's exportDir).")
  Path dir;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "text (for people) or json (one object). Default: ${DEFAULT-VALUE}.")
  OutputFormat format = OutputFormat.TEXT;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ExportInspection report;
    try {
      report = ExportInspection.of(dir);
    } catch (ExportInspection.UnreadableException e) {
      err.println("recship inspect: " + e.getMessage());
      err.flush();
      return RecShipCli.UNREADABLE;
    }
    if (format == OutputFormat.JSON) {
      out.println(json(report));
    } else {
      printText(out, report);
    }
    out.flush();
    return report.allChecksPassed() ? RecShipCli.OK : RecShipCli.FINDINGS;
  }

  private static String json(ExportInspection r) {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the inspection as JSON", e);
    }
  }

  private static void printText(PrintWriter out, ExportInspection r) {
    out.println("export " + r.dir());
    if (r.modelName() != null) {
      out.println("  model " + r.modelName() + ", exported " + r.createdAt());
    }
    out.println();
    out.println("outputs (" + r.denseFolder() + "/output_info.json):");
    int w = width(r.outputs().stream().map(ExportInspection.Output::name).toList());
    for (ExportInspection.Output o : r.outputs()) {
      out.printf(Locale.ROOT, "  %-" + w + "s  %s  %s%n", o.name(), o.dtype(), shape(o.shape()));
    }
    out.println();
    out.println("inputs (" + r.denseFolder() + "/params_order.json, in argument order):");
    w = width(r.inputs().stream().map(ExportInspection.Input::name).toList());
    for (ExportInspection.Input i : r.inputs()) {
      out.printf(Locale.ROOT, "  %d  %-" + w + "s  %s  %s%n", i.idx(), i.name(), i.dtype(), shape(i.shape()));
    }
    out.println();
    out.println("tables (" + r.tablesFrom() + "):");
    w = width(r.tables().stream().map(ExportInspection.Table::name).toList());
    for (ExportInspection.Table t : r.tables()) {
      out.printf(Locale.ROOT, "  %-" + w + "s  %,10d rows x %-4d %s%n", t.name(), t.rows(), t.dim(), t.dtype());
    }
    out.println();
    out.printf(Locale.ROOT, "files (%d, %,d bytes):%n", r.files().size(), r.totalBytes());
    w = width(r.files().stream().map(ExportInspection.FileEntry::path).toList());
    for (ExportInspection.FileEntry f : r.files()) {
      out.printf(Locale.ROOT, "  %-" + w + "s  %,12d%n", f.path(), f.size());
    }
    out.println();
    out.println("checks:");
    w = width(r.checks().stream().map(ExportInspection.Check::name).toList());
    // a detail of several lines (libtorch's messages) continues under its first line, not at column 0
    String continuation = System.lineSeparator() + " ".repeat(2 + 7 + 2 + w + 2);
    for (ExportInspection.Check c : r.checks()) {
      String status = c.skipped() ? "SKIPPED" : c.ok() ? (c.warning() == null ? "ok" : "WARN") : "FAILED";
      out.printf(Locale.ROOT, "  %-7s  %-" + w + "s  %s%n", status,
          c.name(), String.join(continuation, c.detail().strip().split("\\R")));
      if (c.warning() != null) {
        out.println(continuation.substring(System.lineSeparator().length()) + "warning: " + c.warning());
      }
    }
    long failed = r.checks().stream().filter(ExportInspection.Check::failed).count();
    List<String> warned = r.checks().stream().filter(c -> c.warning() != null).map(ExportInspection.Check::name).toList();
    String warnings = warned.isEmpty() ? ""
        : ", " + warned.size() + (warned.size() == 1 ? " warning (" : " warnings (") + String.join(", ", warned) + ")";
    List<String> skipped = r.checks().stream().filter(ExportInspection.Check::skipped)
        .map(ExportInspection.Check::name).toList();
    String notRun = skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped (" + String.join(", ", skipped) + ")";
    out.println();
    out.println(failed == 0 && skipped.isEmpty()
        ? "ok: all " + r.checks().size() + " checks passed" + warnings
        : "FAILED: " + failed + " of " + r.checks().size() + " checks ("
            + r.checks().stream().filter(ExportInspection.Check::failed).map(ExportInspection.Check::name)
                .collect(Collectors.joining(", "))
            + ")" + notRun + warnings);
  }

  private static String shape(List<Long> shape) {
    return shape.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
  }

  private static int width(List<String> names) {
    return Math.max(1, names.stream().mapToInt(String::length).max().orElse(1));
  }
}
