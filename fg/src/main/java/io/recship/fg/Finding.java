package io.recship.fg;

import org.jspecify.annotations.Nullable;

/**
 * One rule violation in fg.json or mc.json.
 *
 * @param ruleId the rule id, e.g. {@code RTP-HB0} (see {@link RuleChecker} for the list)
 * @param severity error or warning
 * @param subject the feature (full name, sequence prefix included) or mc block the finding is
 *     about, or null when it concerns the whole file
 * @param message a full sentence naming the subject, what is wrong and what to do
 * @param file the file name as the user gave it (or a description for configs built in code)
 * @param pointer JSON pointer (RFC 6901) into {@code file}, e.g. {@code /features/3/hash_bucket_size};
 *     for a key that is missing it points at the key where it should be
 * @param line 1-based line in {@code file}, or -1 when unknown (configs built in code)
 * @param column 1-based column in {@code file}, or -1 when unknown
 */
public record Finding(
    String ruleId,
    Severity severity,
    @Nullable String subject,
    String message,
    String file,
    String pointer,
    int line,
    int column) {

  /** A finding without a text position. */
  public Finding(
      String ruleId,
      Severity severity,
      @Nullable String subject,
      String message,
      String file,
      String pointer) {
    this(ruleId, severity, subject, message, file, pointer, -1, -1);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  public boolean hasPosition() {
    return line > 0;
  }

  /**
   * {@code fg.json:12:5} when the position is known, {@code data.jsonl:12} when only the line is
   * (a bad data row), else {@code fg.json#/features/3}.
   */
  public String location() {
    return hasPosition() ? file + ":" + line + (column > 0 ? ":" + column : "") : file + "#" + pointer;
  }

  /** One line for people: {@code error[RTP-HB0] fg.json:12:5 feature 'user_id': ...}. */
  public String format() {
    return severity.label() + "[" + ruleId + "] " + location() + " " + message;
  }

  Finding at(int newLine, int newColumn) {
    return new Finding(ruleId, severity, subject, message, file, pointer, newLine, newColumn);
  }

  @Override
  public String toString() {
    return format();
  }
}
