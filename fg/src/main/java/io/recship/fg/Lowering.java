package io.recship.fg;

/** RecIS' lower_case=True for configs that did not come from text: write, lowercase, re-read. */
final class Lowering {
  private Lowering() {}

  static FgConfig lower(FgConfig fg) {
    return FgParser.parseFg(new ConfigSource(fg.sourceName(), Json.lowerAscii(FgWriter.write(fg))), FgOptions.DEFAULT);
  }

  static McConfig lower(McConfig mc) {
    return FgParser.parseMc(new ConfigSource(mc.sourceName(), Json.lowerAscii(FgWriter.write(mc))), FgOptions.DEFAULT);
  }
}
