package io.recship.export;

import io.recship.fg.ConfigSource;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgConfig;
import io.recship.fg.FgConfigException;
import io.recship.fg.FgParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import org.jspecify.annotations.Nullable;

/**
 * The FG {@code @RecModel} named (and the processor checked) must be the FG the sparse model was
 * built from, read with the same FG options ({@code lowerCase}); otherwise the compile-time checks
 * vouched for another config than the one exported.
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
    byte[] content = resource(d.anchor(), d.fgResource());
    FgConfig declared;
    try {
      declared = FgParser.parseFg(ConfigSource.decode(d.fgResource(), content), fg.options());
    } catch (FgConfigException e) {
      throw new ExportException(
          ExportException.Step.PREPARE,
          "the FG resource '" + d.fgResource() + "' named by @RecModel on " + d.anchor().getName()
              + " does not parse: " + e.getMessage(),
          e);
    }
    if (!declared.equals(fg.fgConfig())) {
      throw new ExportException(
          ExportException.Step.PREPARE,
          "the sparse model of " + modelName + " was built from another FG than the '"
              + d.fgResource() + "' that @RecModel declares (and the compile-time checks ran on)."
              + " Build it with FeatureGenerator.load of that resource, or change @RecModel(fg ="
              + " ...) to the config the model uses");
    }
  }

  private static byte[] resource(Class<?> anchor, String name) {
    String absolute = name.startsWith("/") ? name.substring(1) : name;
    ClassLoader cl = anchor.getClassLoader();
    @Nullable URL url = cl == null ? null : cl.getResource(absolute);
    if (url == null) {
      url = anchor.getResource(name);
    }
    if (url == null) {
      throw new ExportException(
          ExportException.Step.PREPARE,
          "the FG resource '" + name + "' named by @RecModel on " + anchor.getName()
              + " is not on the classpath; put it under src/main/resources/" + absolute);
    }
    try (InputStream in = url.openStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.PREPARE, "cannot read FG resource " + url + " (" + e + ")", e);
    }
  }
}
