package io.recship.export;

import io.recship.fg.ConfigSource;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgConfig;
import io.recship.fg.FgConfigException;
import io.recship.fg.FgParser;
import io.recship.fg.Finding;
import io.recship.fg.McConfig;
import io.recship.fg.RuleChecker;
import io.recship.fg.RuleSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The FG and MC {@code @RecModel} named (and the processor checked) must be the ones the sparse
 * model was built from, read with the same FG options ({@code lowerCase}); otherwise the
 * compile-time checks vouched for another config than the one exported. The target's rules run
 * again on them too: a build that skips the compiler (Maven without {@code clean} after only a
 * config changed) does not rerun the processor, so the compile-time check may be stale.
 */
final class DeclaredConfigCheck {
  private DeclaredConfigCheck() {}

  static void check(String modelName, @Nullable DeclaredConfig d, FeatureGenerator fg) {
    if (d == null) {
      return;
    }
    if (fg.options().lowerCase() != d.lowerCase()) {
      throw new ExportException(
          ExportException.Step.PREPARE,
          "@RecModel on " + d.anchor().getName() + " declares lowerCase = " + d.lowerCase()
              + " (RecIS lower_case), but the sparse model of " + modelName + " was built from a"
              + " FeatureGenerator loaded with lowerCase = " + fg.options().lowerCase()
              + ": the exported fg.json would not be the config the compile-time checks ran on."
              + " Load it with FgOptions.DEFAULT.withLowerCase(" + d.lowerCase() + "), or change"
              + " @RecModel(lowerCase = ...)");
    }
    ConfigSource fgSource = source(d, "FG", d.fgResource());
    ConfigSource mcSource = source(d, "MC", d.mcResource());
    FgConfig declaredFg;
    McConfig declaredMc;
    try {
      declaredFg = FgParser.parseFg(fgSource, fg.options());
      declaredMc = FgParser.parseMc(mcSource, fg.options());
    } catch (FgConfigException e) {
      throw new ExportException(
          ExportException.Step.PREPARE,
          "the configs named by @RecModel on " + d.anchor().getName() + " do not parse: "
              + e.getMessage(),
          e);
    }
    if (!declaredFg.equals(fg.fgConfig())) {
      throw builtFromAnother(modelName, "FG", d.fgResource(), "fg");
    }
    if (!declaredMc.equals(fg.mcConfig())) {
      throw builtFromAnother(modelName, "MC", d.mcResource(), "mc");
    }
    checkRules(d, fgSource, mcSource, fg);
  }

  private static ExportException builtFromAnother(
      String modelName, String what, String resource, String attribute) {
    return new ExportException(
        ExportException.Step.PREPARE,
        "the sparse model of " + modelName + " was built from another " + what + " than the '"
            + resource + "' that @RecModel declares (and the compile-time checks ran on). Build it"
            + " with FeatureGenerator.load of that resource, or change @RecModel(" + attribute
            + " = ...) to the config the model uses");
  }

  /** The target's rules on the declared configs: errors fail the export, as they failed javac. */
  private static void checkRules(
      DeclaredConfig d, ConfigSource fgSource, ConfigSource mcSource, FeatureGenerator fg) {
    List<Finding> errors = RuleChecker.check(fgSource, mcSource, fg.options(), ruleSets(d))
        .stream()
        .filter(Finding::isError)
        .toList();
    if (errors.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder()
        .append("the configs named by @RecModel on ").append(d.anchor().getName())
        .append(" break the ").append(d.target()).append(" rules (")
        .append(errors.size()).append(errors.size() == 1 ? " error" : " errors")
        .append("), so they changed after the model was compiled: a build that skips the compiler"
            + " (e.g. Maven without clean after editing only a config) does not rerun the"
            + " compile-time checks. Fix the configs and rebuild:");
    for (Finding error : errors) {
      message.append("\n  [").append(error.ruleId()).append("] ").append(error.location())
          .append(": ").append(error.message());
    }
    throw new ExportException(ExportException.Step.PREPARE, message.toString());
  }

  private static Set<RuleSet> ruleSets(DeclaredConfig d) {
    return switch (d.target()) {
      case "RTP_MAIN_SEARCH" -> RuleSet.rtpMainSearch();
      case "RECIS" -> RuleSet.recis();
      default -> throw new ExportException(
          ExportException.Step.PREPARE,
          "@RecModel on " + d.anchor().getName() + " declares target '" + d.target()
              + "', which this runtime does not know (RTP_MAIN_SEARCH or RECIS); use the runtime"
              + " of the processor's version");
    };
  }

  private static ConfigSource source(DeclaredConfig d, String what, String name) {
    byte[] content = resource(d.anchor(), what, name);
    try {
      return ConfigSource.decode(name, content);
    } catch (FgConfigException e) {
      throw new ExportException(
          ExportException.Step.PREPARE,
          "the " + what + " resource '" + name + "' named by @RecModel on "
              + d.anchor().getName() + " cannot be read: " + e.getMessage(),
          e);
    }
  }

  private static byte[] resource(Class<?> anchor, String what, String name) {
    String absolute = name.startsWith("/") ? name.substring(1) : name;
    ClassLoader cl = anchor.getClassLoader();
    @Nullable URL url = cl == null ? null : cl.getResource(absolute);
    if (url == null) {
      url = anchor.getResource(name);
    }
    if (url == null) {
      throw new ExportException(
          ExportException.Step.PREPARE,
          "the " + what + " resource '" + name + "' named by @RecModel on " + anchor.getName()
              + " is not on the classpath; put it under src/main/resources/" + absolute);
    }
    try (InputStream in = url.openStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.PREPARE, "cannot read " + what + " resource " + url + " (" + e + ")",
          e);
    }
  }
}
