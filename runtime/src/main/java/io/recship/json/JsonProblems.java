package io.recship.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamReadException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Jackson's errors for a JSON file RecShip wrote (an export's manifest and meta files, a
 * checkpoint's {@code index} and safetensors headers), in plain words: Jackson's messages carry
 * "start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)…"
 * and its feature names, which tell a user nothing; the file, line and column do. (Training data
 * lines get a finer wording of the same errors in {@code io.recship.data}.)
 */
public final class JsonProblems {
  private JsonProblems() {}

  /**
   * {@code file:line:column: not valid JSON: reason}; a value of the wrong type, which is valid
   * JSON, gives {@code file:line:column: reason}.
   */
  public static String describe(Path file, JacksonException e) {
    if (isEmptyInput(e)) {
      return file + ": not valid JSON: the file is empty";
    }
    JsonLocation at = e.getLocation();
    return file + (at == null || at.getLineNr() < 1 ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
        + (e instanceof StreamReadException ? ": not valid JSON: " : ": ") + reason(e);
  }

  /** {@code line 3, column 7}, or an empty string when Jackson gives no position. */
  public static String position(JacksonException e) {
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 1 ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  /** Why {@code e}'s input is not valid JSON, without Jackson's location text and feature names. */
  public static String reason(JacksonException e) {
    if (isEmptyInput(e)) {
      return "the file is empty";
    }
    String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().strip();
    if (m.startsWith("Unexpected end-of-input")) {
      return m.contains("Object") ? "the file ends inside an object: '}' is missing"
          : m.contains("Array") ? "the file ends inside an array: ']' is missing"
          : m.contains("quote") ? "the file ends inside a string: the closing '\"' is missing"
          : "the file ends before the JSON value does";
    }
    String reason = m.replaceAll("\\s*\\((start marker at|through reference chain).*", "")
        .replaceAll("\\s*\\[Source:.*", "")
        .replaceAll(":?\\s*enable `[^`]*`.*", "")
        .replaceAll(" \\(code \\d+[^)]*\\)", "")
        .strip();
    return reason.isEmpty() ? "unreadable JSON"
        : reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
  }

  private static boolean isEmptyInput(JacksonException e) {
    String m = e.getOriginalMessage();
    return m != null && m.startsWith("No content to map due to end-of-input");
  }
}
