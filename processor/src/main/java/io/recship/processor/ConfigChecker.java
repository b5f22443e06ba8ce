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

/**
 * Runs the {@code fg} rule checker on the resources a {@code @RecModel} names.
 *
 * <p>The resources are found through javac's Filer, on javac's thread; the rules, which touch
 * nothing of javac's, may run on another thread ({@link #start}) while javac's thread does other
 * work.
 */
final class ConfigChecker {

  /** Outcome for one (fg, mc, options, target): problems that concern the fg or the mc value. */
  record Outcome(List<Problem> problems) {}

  /**
   * One message to report, on the {@code fg} value if {@code onMc} is false, else on {@code mc}.
   */
  record Problem(boolean error, boolean onMc, String message) {}

  private record Key(String fg, String mc, boolean lowerCase, Target target) {}

  private final ConfigResources resources;
  private final Map<Key, CompletableFuture<Outcome>> cache = new HashMap<>();

  ConfigChecker(ConfigResources resources) {
    this.resources = resources;
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
    if (fgContent == null || mcContent == null) {
      List<Problem> missing = new ArrayList<>();
      if (fgContent == null) {
        missing.add(new Problem(true, false, notFound("fg", key.fg(), fg)));
      }
      if (mcContent == null) {
        missing.add(new Problem(true, true, notFound("mc", key.mc(), mc)));
      }
      return CompletableFuture.completedFuture(new Outcome(missing));
    }
    return CompletableFuture.supplyAsync(() -> check(key, fgContent, mcContent), worker);
  }

  /** Decoding and the rules: plain data in and out, safe off javac's thread. */
  private static Outcome check(Key key, byte[] fgContent, byte[] mcContent) {
    List<Finding> findings;
    try {
      findings = RuleChecker.check(ConfigSource.decode(key.fg(), fgContent),
          ConfigSource.decode(key.mc(), mcContent),
          FgOptions.DEFAULT.withLowerCase(key.lowerCase()), ruleSets(key.target()));
    } catch (FgConfigException e) {
      boolean onMc = key.mc().equals(e.file()) && !key.fg().equals(e.file());
      return new Outcome(List.of(new Problem(true, onMc, "cannot read " + e.getMessage())));
    }
    return new Outcome(findings.stream()
        .map(f -> new Problem(f.isError(), isMc(f, key), message(f)))
        .toList());
  }

  private static boolean isMc(Finding f, Key key) {
    return f.file().equals(key.mc()) && !f.file().equals(key.fg());
  }

  /** {@code [RTP-HB0] ctr/fg.json:12:5: feature 'user_id': hash_bucket_size is 0 ...}. */
  static String message(Finding f) {
    return "[" + f.ruleId() + "] " + f.location() + ": " + f.message();
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
