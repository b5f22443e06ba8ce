package io.recship.torchscript;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.jspecify.annotations.Nullable;

/** Turns libtorch's error text into a {@link TorchScriptException} that points at the source. */
final class LibtorchErrors {
  /**
   * libtorch names source positions as {@code File "code/__torch__.py", line 9} in compile
   * errors and in the serialized-code traceback of runtime errors.
   */
  private static final Pattern POSITION = Pattern.compile("File \"([^\"]+)\", line (\\d+)");

  private LibtorchErrors() {}

  static TorchScriptException translate(String phase, Path archive, RuntimeException e) {
    String reason = e.getMessage() == null ? e.toString() : e.getMessage().strip();
    @Nullable String codeFile = null;
    int line = 0;
    Matcher m = POSITION.matcher(reason);
    // Prefer a position inside the archive's own code; the first such is the innermost frame
    // of a compile error and the outermost serialized frame of a runtime traceback.
    while (m.find()) {
      if (m.group(1).contains("code/")) {
        codeFile = m.group(1);
        line = Integer.parseInt(m.group(2));
        break;
      }
    }
    String sourceLine = codeFile == null ? null : readLine(archive, codeFile, line);
    StringBuilder msg = new StringBuilder("TorchScript ").append(phase).append(" failed for ");
    msg.append(archive);
    if (codeFile != null) {
      msg.append(" at ").append(codeFile).append(" line ").append(line);
      if (sourceLine != null) {
        msg.append(": `").append(sourceLine).append('`');
      }
    }
    msg.append("\nlibtorch says: ").append(summary(reason));
    msg.append("\n(full libtorch message below)\n").append(reason);
    return new TorchScriptException(
        msg.toString(), archive.toString(), codeFile, line, sourceLine, reason, e);
  }

  /** The (stripped) line {@code line} of the archive entry ending with {@code codeFile}. */
  static @Nullable String readLine(Path archive, String codeFile, int line) {
    String suffix = codeFile.startsWith("/") ? codeFile : "/" + codeFile;
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        if (("/" + entry.getName()).endsWith(suffix)) {
          try (InputStream in = zip.getInputStream(entry)) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            return line >= 1 && line <= lines.length ? lines[line - 1].strip() : null;
          }
        }
      }
    } catch (IOException e) {
      return null; // the message still carries libtorch's own text
    }
    return null;
  }

  /**
   * The line that says what went wrong: a compile error starts with it; a runtime error starts
   * with a generic "operation failed" line and a traceback, and ends with it.
   */
  static String summary(String reason) {
    String[] lines = reason.strip().split("\n");
    String line = reason.contains("Traceback of TorchScript") ? lines[lines.length - 1] : lines[0];
    return line.strip();
  }
}
