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
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
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
 *   <li>the source path (with a warning: the build does not copy it to the runtime's classpath);
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
   *
   * @param onSourcePathOnly found on javac's source path, not in the class output: the build
   *     does not copy it to the classpath, where the runtime reads it
   */
  record Lookup(
      byte @Nullable [] content,
      @Nullable String foundIn,
      boolean onSourcePathOnly,
      List<String> lookedIn,
      @Nullable Path nearestFolder,
      List<String> jsonInFolder) {
    Lookup(byte[] content, String foundIn, boolean onSourcePathOnly) {
      this(content, foundIn, onSourcePathOnly, List.of(), null, List.of());
    }

    boolean found() {
      return content != null;
    }
  }

  /** How many json file names a "not found" message lists from the folder it expected. */
  private static final int MAX_LISTED = 12;

  private final Filer filer;
  private final List<String> optionDirs;
  private final Map<String, Lookup> cache = new HashMap<>();
  /**
   * Whether javac has a source path: something was found through it. The Filer cannot tell an
   * absent SOURCE_PATH (kapt, Gradle, javac without -sourcepath) from a file missing on it, and
   * "SOURCE_PATH (not found)" in a message would send the user looking for a path there is not.
   */
  private boolean sourcePathSeen;
  /** What {@link #probeSourcePath} already looked for. */
  private final Set<String> probed = new HashSet<>();

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

  /**
   * Looks for the folder of {@code packageName}, a package of this compile, on javac's source path
   * (for the unnamed package, its source {@code fileName}). Finding it shows there is a source path
   * (Maven passes src/main/java); call before {@link #find}, whose "not found" messages list the
   * source path only then.
   *
   * <p>A folder, not the source file: a file manager may serve the compile's own sources for any
   * input location (compile-testing's does), so finding the file would not show a source path.
   */
  void probeSourcePath(String packageName, String fileName) {
    String relative = packageName.isEmpty() ? fileName : packageName.replace('.', '/');
    if (sourcePathSeen || !probed.add(relative)) {
      return;
    }
    try {
      sourcePathSeen = filer.getResource(StandardLocation.SOURCE_PATH, "", relative) != null;
    } catch (RuntimeException e) {
      // javac's answer for a folder it found there: "directories not supported", wrapped in a
      // ClientCodeException when the file manager is not javac's own (compile-testing, Gradle)
      sourcePathSeen = e instanceof IllegalArgumentException
          || e.getCause() instanceof IllegalArgumentException;
    } catch (IOException e) {
      // FileNotFoundException: no such folder there, or no source path at all
    }
  }

  Lookup find(String name) {
    return cache.computeIfAbsent(name, this::lookup);
  }

  private Lookup lookup(String name) {
    List<String> looked = new ArrayList<>();
    // every file path tried, in order: listed once, and searched for the folder to list
    Set<Path> tried = new LinkedHashSet<>();
    for (StandardLocation location :
        List.of(StandardLocation.CLASS_OUTPUT, StandardLocation.SOURCE_PATH)) {
      FileObject file = resource(location, name);
      if (file == null) {
        if (location != StandardLocation.SOURCE_PATH || sourcePathSeen) {
          looked.add(location.getName() + " (not found)");
        }
        continue;
      }
      if (location == StandardLocation.SOURCE_PATH) {
        sourcePathSeen = true;
      }
      String where = location.getName() + " (" + describe(file.toUri()) + ")";
      byte[] content = read(file);
      if (content != null) {
        return new Lookup(content, where, location == StandardLocation.SOURCE_PATH);
      }
      looked.add(where);
      Path path = asPath(file.toUri());
      if (path != null) {
        tried.add(path);
      }
    }
    if (optionDirs.isEmpty()) {
      looked.add("-A" + RecModelProcessor.RESOURCES_OPTION + " (not set)");
    }
    for (String dir : optionDirs) {
      Lookup found = tryPath(name, dir, "-A" + RecModelProcessor.RESOURCES_OPTION, looked, tried);
      if (found != null) {
        return found;
      }
    }
    for (Path moduleDir : moduleDirs(name)) {
      Path resources = moduleDir.resolve("src").resolve("main").resolve("resources");
      Lookup found = tryPath(name, resources.toString(), "src/main/resources", looked, tried);
      if (found != null) {
        return found;
      }
    }
    return notFound(looked, tried);
  }

  private @Nullable Lookup tryPath(
      String name, String dir, String label, List<String> looked, Set<Path> tried) {
    Path file;
    try {
      file = Path.of(dir).resolve(name).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      looked.add(label + " " + dir + " (not a valid path: " + e.getMessage() + ")");
      return null;
    }
    if (!tried.add(file)) {
      return null; // the same file through another route (e.g. -A pointing at src/main/resources)
    }
    if (Files.isRegularFile(file)) {
      try {
        return new Lookup(Files.readAllBytes(file), label + " " + file, false);
      } catch (IOException e) {
        looked.add(label + " " + file + " (unreadable: " + e + ")");
        return null;
      }
    }
    looked.add(label + " " + file);
    return null;
  }

  /**
   * Where it looked, and the json files of the last of those folders that exists (the source
   * folders come last, the copies in the class output first): a misspelt name ("fgs.json") is
   * then plain to see next to the real one.
   */
  private static Lookup notFound(List<String> looked, Set<Path> tried) {
    List<Path> lastFirst = new ArrayList<>(tried);
    Collections.reverse(lastFirst);
    for (Path file : lastFirst) {
      Path folder = file.getParent();
      if (folder != null && Files.isDirectory(folder)) {
        try (Stream<Path> entries = Files.list(folder)) {
          List<String> json = entries
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .sorted()
              .limit(MAX_LISTED)
              .toList();
          return new Lookup(null, null, false, List.copyOf(looked), folder, json);
        } catch (IOException | RuntimeException e) {
          // an unreadable folder: say where it looked, without the listing
        }
      }
    }
    return new Lookup(null, null, false, List.copyOf(looked), null, List.of());
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
