package io.recship.processor;

import io.recship.fg.ConfigSource;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Filer;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.StandardLocation;
import org.jspecify.annotations.Nullable;

/**
 * Finds the fg/mc resources named by {@code @RecModel} at compile time, in this order:
 *
 * <ol>
 *   <li>the class output (Maven copies {@code src/main/resources} there before javac runs);
 *   <li>the source path;
 *   <li>each directory of the {@code -Arecship.resources} option;
 *   <li>{@code src/main/resources} of the module being compiled, found by walking up from the
 *       class and source output directories: for builds that run the processor before the
 *       resources are copied (kapt bound to an earlier phase, some IDE builds).
 * </ol>
 *
 * <p>Lookups are cached: several models may share one fg.
 */
final class ConfigResources {
  /** How far up from an output directory to look for {@code src/main/resources}. */
  private static final int MAX_WALK_UP = 5;

  /**
   * A resource that was found (its bytes: {@link ConfigSource#decode} makes them text), or every
   * place that was tried.
   */
  record Lookup(byte @Nullable [] content, @Nullable String foundIn, List<String> lookedIn) {
    boolean found() {
      return content != null;
    }
  }

  private final Filer filer;
  private final List<String> optionDirs;
  private final Map<String, Lookup> cache = new HashMap<>();

  ConfigResources(Filer filer, Map<String, String> options) {
    this.filer = filer;
    String dirs = options.get(RecModelProcessor.RESOURCES_OPTION);
    List<String> parsed = new ArrayList<>();
    if (dirs != null) {
      for (String dir : dirs.split(File.pathSeparator)) {
        if (!dir.isBlank()) {
          parsed.add(dir.trim());
        }
      }
    }
    this.optionDirs = List.copyOf(parsed);
  }

  Lookup find(String name) {
    return cache.computeIfAbsent(name, this::lookup);
  }

  private Lookup lookup(String name) {
    List<String> looked = new ArrayList<>();
    for (StandardLocation location :
        List.of(StandardLocation.CLASS_OUTPUT, StandardLocation.SOURCE_PATH)) {
      FileObject file = resource(location, name);
      String where = location.getName() + (file == null ? "" : " (" + describe(file.toUri()) + ")");
      if (file != null) {
        byte[] content = read(file);
        if (content != null) {
          return new Lookup(content, where, List.of());
        }
      }
      looked.add(where);
    }
    if (optionDirs.isEmpty()) {
      looked.add("-A" + RecModelProcessor.RESOURCES_OPTION + " (not set)");
    }
    for (String dir : optionDirs) {
      Lookup found = tryPath(name, dir, "-A" + RecModelProcessor.RESOURCES_OPTION, looked);
      if (found != null) {
        return found;
      }
    }
    for (Path moduleDir : moduleDirs(name)) {
      Path resources = moduleDir.resolve("src").resolve("main").resolve("resources");
      Lookup found = tryPath(name, resources.toString(), "src/main/resources", looked);
      if (found != null) {
        return found;
      }
    }
    return new Lookup(null, null, List.copyOf(looked));
  }

  private @Nullable Lookup tryPath(String name, String dir, String label, List<String> looked) {
    Path file;
    try {
      file = Path.of(dir).resolve(name);
    } catch (InvalidPathException e) {
      looked.add(label + " " + dir + " (not a valid path: " + e.getMessage() + ")");
      return null;
    }
    if (Files.isRegularFile(file)) {
      try {
        return new Lookup(Files.readAllBytes(file), label + " " + file, List.of());
      } catch (IOException e) {
        looked.add(label + " " + file + " (unreadable: " + e + ")");
        return null;
      }
    }
    looked.add(label + " " + file);
    return null;
  }

  /** Module roots (directories holding {@code src/main}) above the output directories. */
  private Set<Path> moduleDirs(String name) {
    Set<Path> dirs = new LinkedHashSet<>();
    for (StandardLocation location :
        List.of(StandardLocation.CLASS_OUTPUT, StandardLocation.SOURCE_OUTPUT)) {
      FileObject probe = resource(location, name);
      Path path = probe == null ? null : asPath(probe.toUri());
      for (int up = 0; path != null && up <= MAX_WALK_UP + name.split("/").length; up++) {
        if (Files.isDirectory(path.resolve("src").resolve("main"))) {
          dirs.add(path);
          break;
        }
        path = path.getParent();
      }
    }
    return dirs;
  }

  private @Nullable FileObject resource(JavaFileManager.Location location, String name) {
    try {
      return filer.getResource(location, "", name);
    } catch (IOException | RuntimeException e) {
      // Not there, or a location this compiler does not have (e.g. no source path).
      return null;
    }
  }

  /** The bytes, not javac's decoding of them: that follows -encoding, and JSON is UTF-8. */
  private static byte @Nullable [] read(FileObject file) {
    try (InputStream in = file.openInputStream()) {
      return in.readAllBytes();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static @Nullable Path asPath(URI uri) {
    if (!"file".equals(uri.getScheme())) {
      return null;
    }
    try {
      return Path.of(uri);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String describe(URI uri) {
    Path path = asPath(uri);
    return path != null ? path.toString() : uri.toString();
  }
}
