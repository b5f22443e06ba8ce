package io.recship.processor;

import io.recship.annotations.Target;
import io.recship.fg.ConfigSource;
import io.recship.fg.FgConfigException;
import io.recship.fg.FgOptions;
import io.recship.fg.Finding;
import io.recship.fg.RuleChecker;
import io.recship.fg.RuleSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Runs the {@code fg} rule checker on the resources a {@code @RecModel} names.
 *
 * <p>The resources are found through javac's Filer, on javac's thread; the rules, which touch
 * nothing of javac's, may run on another thread ({@link #start}) while javac's thread does other
 * work.
 */
final class ConfigChecker {

  /**
   * Outcome for one (fg, mc, options, target): problems that concern the fg or the mc value.
   *
   * @param placement warnings about where a file was found, not findings of the rules
   * @param problems the rules' findings, or why the files could not be checked
   */
  record Outcome(List<Problem> placement, List<Problem> problems) {}

  /**
   * One message to report, on the {@code fg} value if {@code onMc} is false, else on {@code mc}.
   *
   * @param missing the resource was not found
   */
  record Problem(boolean error, boolean onMc, String message, boolean missing) {
    Problem(boolean error, boolean onMc, String message) {
      this(error, onMc, message, false);
    }
  }

  private record Key(String fg, String mc, boolean lowerCase, Target target) {}

  private final ConfigResources resources;
  private final Map<Key, CompletableFuture<Outcome>> cache = new HashMap<>();

  ConfigChecker(ConfigResources resources) {
    this.resources = resources;
  }

  /**
   * A source of this compile, to tell whether javac has a source path: see {@link
   * ConfigResources#probeSourcePath}.
   */
  void noteSource(String packageName, String fileName) {
    resources.probeSourcePath(packageName, fileName);
  }

  /**
   * Finds the resources now and checks them on {@code worker}; {@link #check} later returns the
   * outcome. Call on javac's thread.
   */
  void start(String fg, String mc, boolean lowerCase, Target target, Executor worker) {
    cache.computeIfAbsent(new Key(fg, mc, lowerCase, target), key -> start(key, worker));
  }

  /** The outcome for these configs: started earlier, or checked now. Call on javac's thread. */
  Outcome check(String fg, String mc, boolean lowerCase, Target target) {
    CompletableFuture<Outcome> outcome = cache.computeIfAbsent(
        new Key(fg, mc, lowerCase, target), key -> start(key, Runnable::run));
    return Worker.join(outcome);
  }

  static Set<RuleSet> ruleSets(Target target) {
    return switch (target) {
      case RTP_MAIN_SEARCH -> RuleSet.rtpMainSearch();
      case RECIS -> RuleSet.recis();
    };
  }

  private CompletableFuture<Outcome> start(Key key, Executor worker) {
    ConfigResources.Lookup fg = resources.find(key.fg());
    ConfigResources.Lookup mc = resources.find(key.mc());
    byte[] fgContent = fg.content();
    byte[] mcContent = mc.content();
    List<Problem> placement = new ArrayList<>();
    if (fg.onSourcePathOnly()) {
      placement.add(new Problem(false, false, onSourcePathOnly("fg", key.fg(), fg)));
    }
    if (mc.onSourcePathOnly()) {
      placement.add(new Problem(false, true, onSourcePathOnly("mc", key.mc(), mc)));
    }
    if (startsWithBom(fgContent)) {
      placement.add(new Problem(false, false, withBom("fg", key.fg())));
    }
    if (startsWithBom(mcContent)) {
      placement.add(new Problem(false, true, withBom("mc", key.mc())));
    }
    if (fgContent == null || mcContent == null) {
      List<Problem> missing = new ArrayList<>();
      if (fgContent == null) {
        missing.add(new Problem(true, false, notFound("fg", key.fg(), fg), true));
      }
      if (mcContent == null) {
        missing.add(new Problem(true, true, notFound("mc", key.mc(), mc), true));
      }
      return CompletableFuture.completedFuture(new Outcome(List.copyOf(placement), missing));
    }
    return CompletableFuture.supplyAsync(
        () -> new Outcome(List.copyOf(placement), check(key, fgContent, mcContent)), worker);
  }

  /** Decoding and the rules: plain data in and out, safe off javac's thread. */
  private static List<Problem> check(Key key, byte[] fgContent, byte[] mcContent) {
    List<Finding> findings;
    try {
      findings = RuleChecker.check(ConfigSource.decode(key.fg(), fgContent),
          ConfigSource.decode(key.mc(), mcContent),
          FgOptions.DEFAULT.withLowerCase(key.lowerCase()), ruleSets(key.target()));
    } catch (FgConfigException e) {
      boolean onMc = key.mc().equals(e.file()) && !key.fg().equals(e.file());
      return List.of(new Problem(true, onMc, "cannot read " + e.getMessage()));
    }
    return findings.stream()
        .map(f -> new Problem(f.isError(), isMc(f, key), message(f)))
        .toList();
  }

  private static boolean isMc(Finding f, Key key) {
    return f.file().equals(key.mc()) && !f.file().equals(key.fg());
  }

  /** {@code [RTP-HB0] ctr/fg.json:12:5: feature 'user_id': hash_bucket_size is 0 ...}. */
  static String message(Finding f) {
    return "[" + f.ruleId() + "] " + f.location() + ": " + f.message();
  }

  /**
   * Maven copies src/main/resources to the class output, where the processor looks first; a file
   * found on the source path instead (src/main/java) compiles but is not on the runtime's classpath.
   * Not said of {@code -Arecship.resources}: Gradle keeps resources out of the class output, and
   * that option is the documented way there.
   */
  private static String onSourcePathOnly(String what, String name, ConfigResources.Lookup lookup) {
    String folder = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
    return "@RecModel " + what + " resource '" + name + "' was found in " + lookup.foundIn()
        + " only, not in CLASS_OUTPUT: the build copies only src/main/resources to the classpath"
        + " the runtime reads it from, so the export would not find it; move it under"
        + " src/main/resources/" + folder;
  }

  private static boolean startsWithBom(byte @Nullable [] content) {
    return content != null && content.length >= 3
        && content[0] == (byte) 0xEF && content[1] == (byte) 0xBB && content[2] == (byte) 0xBF;
  }

  /** RecShip's reader drops a BOM ({@link ConfigSource#decode}); RecIS' does not. */
  private static String withBom(String what, String name) {
    return "@RecModel " + what + " resource '" + name + "' starts with a UTF-8 byte order mark"
        + " (BOM): RecShip skips it, but RecIS reads the file with Python's json.load, which"
        + " rejects a BOM; save it as UTF-8 without BOM";
  }

  private static String notFound(String what, String name, ConfigResources.Lookup lookup) {
    StringBuilder sb = new StringBuilder()
        .append("@RecModel ").append(what).append(" resource '").append(name)
        .append("' not found; looked in:");
    for (String place : lookup.lookedIn()) {
      sb.append("\n  ").append(place);
    }
    if (lookup.nearestFolder() != null) {
      sb.append("\n").append(lookup.nearestFolder()).append(lookup.jsonInFolder().isEmpty()
          ? " holds no json file" : " holds " + String.join(", ", lookup.jsonInFolder()));
    }
    sb.append("\nCheck the name (it is relative to src/main/resources), or put the file under"
            + " src/main/resources, or pass -A")
        .append(RecModelProcessor.RESOURCES_OPTION).append("=DIR to the compiler");
    return sb.toString();
  }
}
