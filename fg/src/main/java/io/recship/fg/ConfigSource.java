package io.recship.fg;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;

/**
 * The text of an fg.json or mc.json and the name to use for it in messages.
 *
 * @param fileName how messages refer to the file (a path as the user gave it, a resource name)
 * @param text the JSON text
 */
public record ConfigSource(String fileName, String text) {

  /** Reads a UTF-8 file; the file name in messages is {@code p} as given. */
  public static ConfigSource read(Path p) {
    String name = p.toString();
    try {
      byte[] bytes = Files.readAllBytes(p);
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1); // a BOM is not JSON; Python's json.load also chokes on it
      }
      return new ConfigSource(name, text);
    } catch (NoSuchFileException e) {
      throw FgConfigException.at(name, -1, -1, null,
          "no such file (absolute path " + p.toAbsolutePath() + "); check the path", e);
    } catch (AccessDeniedException e) {
      throw FgConfigException.at(name, -1, -1, null, "permission denied; make the file readable", e);
    } catch (CharacterCodingException e) {
      throw FgConfigException.at(name, -1, -1, null, "is not UTF-8 text; save it as UTF-8 JSON", e);
    } catch (IOException e) {
      String what = Files.isDirectory(p) ? "is a directory, not a JSON file" : "cannot be read: " + e;
      throw FgConfigException.at(name, -1, -1, null, what, e);
    }
  }
}
