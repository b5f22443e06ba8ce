package io.recship.cli;

import io.recship.data.BadRowPolicy;
import io.recship.data.DataException;
import io.recship.data.Dataset;
import io.recship.data.Schema;
import io.recship.fg.BlockSpec;
import io.recship.fg.ConfigSource;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgConfigException;
import io.recship.fg.FgOptions;
import io.recship.fg.Finding;
import io.recship.fg.RuleChecker;
import io.recship.fg.RuleSet;
import io.recship.fg.Severity;
import io.recship.sparse.BucketCollisions;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code recship validate}: checks fg.json (and mc.json) and prints every finding. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check an fg.json (and mc.json) against what RecIS accepts and, by default, what main-search RTP serving accepts.",
      "With --data, also hash a sample of your data as training does and warn (DATA-BUCKET) where two values of a feature share a hash bucket.",
      "Exit codes: 0 no errors (warnings allowed), 1 errors found (bad --data rows included), 2 input unreadable"
          + " (missing file, malformed fg/mc JSON)."
    })
final class ValidateCommand implements Callable<Integer> {

  /** Which rule sets a delivery target needs. */
  enum Target {
    RTP_MAIN_SEARCH("rtp-main-search", RuleSet.rtpMainSearch()),
    RECIS("recis", RuleSet.recis());

    final String cliName;
    final Set<RuleSet> sets;

    Target(String cliName, Set<RuleSet> sets) {
      this.cliName = cliName;
      this.sets = sets;
    }

    @Override
    public String toString() {
      return cliName;
    }

    static final class Converter implements CommandLine.ITypeConverter<Target> {
      @Override
      public Target convert(String value) {
        for (Target t : values()) {
          if (t.cliName.equalsIgnoreCase(value) || t.name().equalsIgnoreCase(value)) {
            return t;
          }
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not a target; use rtp-main-search or recis");
      }
    }

    static final class Names extends ArrayList<String> {
      private static final long serialVersionUID = 1L;

      Names() {
        super(List.of("rtp-main-search", "recis"));
      }
    }
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--fg", required = true, paramLabel = "FILE", description = "The fg.json to check.")
  Path fg;

  @Option(names = "--mc", paramLabel = "FILE", description = "The mc.json (blocks); without it MC-* rules are skipped.")
  @Nullable Path mc;

  @Option(names = "--lower-case", description = "Lowercase both files first, as RecIS build_fg(lower_case=True) does.")
  boolean lowerCase;

  @Option(names = "--devel-mode", description = "RecIS devel_mode: String features with gen_key_type idle/mask only warn.")
  boolean develMode;

  @Option(
      names = "--target",
      paramLabel = "TARGET",
      defaultValue = "rtp-main-search",
      converter = Target.Converter.class,
      completionCandidates = Target.Names.class,
      description = "rtp-main-search (RecIS + main-search RTP rules) or recis (RecIS rules only). Default: ${DEFAULT-VALUE}.")
  Target target = Target.RTP_MAIN_SEARCH;

  @Option(names = "--data", paramLabel = "FILE", arity = "1..*",
      description = "JSON-lines samples, read as training reads them: warn where two values of a hashed feature share"
          + " a bucket (one embedding row), which no FG rule can see, and list rows training would refuse (DATA-ROW"
          + " errors: the first " + BAD_ROWS_LISTED + " with file:line and reason, and how many more). Needs --mc.")
  List<Path> data = new ArrayList<>();

  @Option(names = "--data-rows", paramLabel = "N", defaultValue = "1000000",
      description = "Read at most N rows of --data (every distinct value is kept in memory). Default: ${DEFAULT-VALUE}.")
  long dataRows = 1_000_000;

  /** What --data found, for the summary line; null without --data. */
  private @Nullable BucketCollisions dataCheck;

  /** Bad --data rows listed one by one; the rest are only counted. */
  static final int BAD_ROWS_LISTED = 20;

  /** The first {@link #BAD_ROWS_LISTED} bad --data rows, as DATA-ROW errors. */
  private final List<Finding> badRows = new ArrayList<>();

  /** Bad --data rows in all. */
  private long badRowCount;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "text (for people) or json (an array of findings). Default: ${DEFAULT-VALUE}.")
  OutputFormat format = OutputFormat.TEXT;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    FgOptions options = new FgOptions(lowerCase, develMode);
    ConfigSource fgSource;
    @Nullable ConfigSource mcSource;
    List<Finding> findings;
    try {
      fgSource = ConfigSource.read(fg);
      mcSource = mc == null ? null : ConfigSource.read(mc);
      findings = RuleChecker.check(fgSource, mcSource, options, target.sets);
    } catch (FgConfigException e) {
      err.println("recship validate: " + e.getMessage());
      err.flush();
      return RecShipCli.UNREADABLE;
    }
    boolean configErrors = RuleChecker.hasErrors(findings);
    if (!data.isEmpty()) {
      if (mcSource == null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--data needs --mc: the columns to read come from the fg and mc together");
      }
      if (dataRows < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--data-rows must be at least 1");
      }
      if (configErrors) {
        err.println("recship validate: --data not checked: fix the errors first");
      } else {
        try {
          findings = new ArrayList<>(findings);
          findings.addAll(bucketCollisions(fgSource, mcSource, options));
          findings.addAll(badRows);
        } catch (DataException | UncheckedIOException e) { // a bug elsewhere keeps its stack trace
          err.println("recship validate: cannot read the --data samples: " + e.getMessage()
              + (e instanceof UncheckedIOException io ? ": " + FileProblems.describe(io.getCause()) : ""));
          err.flush();
          return RecShipCli.UNREADABLE;
        }
      }
    }
    if (format == OutputFormat.JSON) {
      out.println(FindingsJson.write(findings));
      if (badRowCount > badRows.size()) { // stdout stays one JSON array
        err.println("recship validate: " + moreBadRows());
        err.flush();
      }
    } else {
      printText(out, findings, configErrors ? null : blocks(fgSource, mcSource, options));
    }
    out.flush();
    return RuleChecker.hasErrors(findings) ? RecShipCli.FINDINGS : RecShipCli.OK;
  }

  /** Counts a bad --data row; the first few become DATA-ROW errors at the row's file and line. */
  private void badRow(DataException e) {
    if (badRowCount++ < BAD_ROWS_LISTED) {
      badRows.add(new Finding("DATA-ROW", Severity.ERROR, e.column(),
          e.problem() + "; training stops here by default: fix or drop the row",
          e.file(), e.column() == null ? "" : "/" + e.column().replace("~", "~0").replace("/", "~1"),
          (int) Math.min(e.line(), Integer.MAX_VALUE), e.charColumn() > 0 ? e.charColumn() : -1));
    }
  }

  private String moreBadRows() {
    return "and " + (badRowCount - badRows.size()) + " more bad --data " + (badRowCount - badRows.size() == 1 ? "row" : "rows")
        + " (" + badRowCount + " in all), not listed";
  }

  /** DATA-BUCKET warnings, placed at each feature's hash_bucket_size in fg.json. */
  private List<Finding> bucketCollisions(ConfigSource fgSource, ConfigSource mcSource, FgOptions options) {
    FeatureGenerator fgen = FeatureGenerator.load(fgSource, mcSource, options);
    Dataset samples = Dataset.builder(Schema.fromFg(fgen))
        .jsonLines(data.toArray(Path[]::new))
        .batchSize(4096)
        .onBadRow(BadRowPolicy.SKIP, this::badRow)
        .build();
    BucketCollisions found = BucketCollisions.check(fgen, samples, dataRows);
    dataCheck = found;
    List<Finding> out = new ArrayList<>();
    for (BucketCollisions.Collision c : found.collisions()) {
      out.add(new Finding("DATA-BUCKET", Severity.WARNING, c.feature(),
          "feature '" + c.feature() + "': '" + c.value() + "' (" + c.valueSource() + ") and '" + c.other()
              + "' (" + c.otherSource() + ") share bucket " + c.bucket() + " of hash_bucket_size "
              + c.hashBucketSize() + ", so the model cannot tell them apart; raise hash_bucket_size well above the "
              + found.distinctValues().get(c.feature()) + " distinct values seen",
          fgSource.fileName(), fgen.feature(c.feature()).pointer() + "/hash_bucket_size"));
    }
    return RuleChecker.locate(fgSource, out);
  }

  /** The block shapes a dense model will see, shown when the configs are valid. */
  private @Nullable List<BlockSpec> blocks(ConfigSource fgSource, @Nullable ConfigSource mcSource, FgOptions options) {
    if (mcSource == null) {
      return null;
    }
    return FeatureGenerator.load(fgSource, mcSource, options).blocks();
  }

  private void printText(PrintWriter out, List<Finding> findings, @Nullable List<BlockSpec> blocks) {
    // fg.json first, then mc.json, then the --data files; within a file errors before warnings, each in document order
    List<String> files = files();
    for (Finding f : findings) {
      if (!files.contains(f.file())) {
        files.add(f.file());
      }
    }
    for (String file : files) {
      for (Severity sev : Severity.values()) {
        for (Finding f : findings) {
          if (f.file().equals(file) && f.severity() == sev) {
            out.println(f.format());
          }
        }
      }
    }
    long errorCount = findings.stream().filter(Finding::isError).count();
    long warningCount = findings.size() - errorCount;
    if (badRowCount > badRows.size()) {
      out.println(moreBadRows());
    }
    if (!findings.isEmpty()) {
      out.println();
    }
    out.println((errorCount == 0 ? "ok: " : "") + plural(errorCount, "error") + ", " + plural(warningCount, "warning")
        + " in " + String.join(" + ", files) + " (target " + target + ")");
    if (blocks != null) {
      out.println("blocks: " + blocks.stream().map(BlockSpec::toString).collect(Collectors.joining(", ")));
    }
    if (dataCheck != null && dataCheck.rowsRead() == 0) {
      out.println(badRowCount > 0
          ? "data: 0 good rows read (" + plural(badRowCount, "bad row") + "), so no hash bucket was checked"
          : "data: 0 rows read: the --data files hold no samples, so no data was checked");
    } else if (dataCheck != null) {
      out.println("data: " + dataCheck.rowsRead() + " rows read" + (dataCheck.rowsRead() >= dataRows
              ? " (the --data-rows limit)" : "") + (badRowCount > 0 ? ", " + plural(badRowCount, "bad row") + " skipped" : "")
          + "; distinct values per hashed feature: "
          + dataCheck.distinctValues().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", "))
          + "; " + plural(dataCheck.collisions().size(), "pair") + " sharing a bucket");
    }
  }

  private List<String> files() {
    List<String> files = new ArrayList<>();
    files.add(fg.toString());
    if (mc != null) {
      files.add(mc.toString());
    }
    return files;
  }

  private static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
