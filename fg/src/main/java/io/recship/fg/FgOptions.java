package io.recship.fg;

/**
 * The {@code build_fg} switches that change how RecIS reads fg.json and mc.json.
 *
 * @param lowerCase lowercase the whole JSON text (keys and every string value) before parsing,
 *     as RecIS' {@code json.dumps(conf).lower()} does; applies to fg and mc alike
 * @param develMode RecIS' {@code devel_mode}: a String feature with {@code gen_key_type} idle or
 *     mask is tolerated (RecIS only logs a warning) instead of refused
 */
public record FgOptions(boolean lowerCase, boolean develMode) {
  public static final FgOptions DEFAULT = new FgOptions(false, false);

  public FgOptions withLowerCase(boolean value) {
    return new FgOptions(value, develMode);
  }

  public FgOptions withDevelMode(boolean value) {
    return new FgOptions(lowerCase, value);
  }
}
