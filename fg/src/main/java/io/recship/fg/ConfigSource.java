package io.recship.fg;

import java.io.IOException;
import java.io.InputStream;
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
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      throw FgConfigException.at(name, -1, -1, null,
          "no such file (absolute path " + p.toAbsolutePath() + "); check the path", e);
    } catch (AccessDeniedException e) {
      throw FgConfigException.at(name, -1, -1, null, "permission denied; make the file readable", e);
    } catch (IOException e) {
      String what = Files.isDirectory(p) ? "is a directory, not a JSON file" : "cannot be read: " + e;
      throw FgConfigException.at(name, -1, -1, null, what, e);
    }
    return decode(name, bytes);
  }

  /**
   * Reads the classpath resource {@code name} as {@code @RecModel} names it ({@code "ctr/fg.json"},
   * under {@code src/main/resources}; a leading '/' is ignored), through {@code loader}.
   *
   * @throws FgConfigException if the resource is missing, unreadable or not UTF-8
   */
  public static ConfigSource resource(ClassLoader loader, String name) {
    String path = name.startsWith("/") ? name.substring(1) : name;
    byte[] bytes;
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw FgConfigException.at(name, -1, -1, null,
            "is not on the classpath; put it under src/main/resources/" + path, null);
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw FgConfigException.at(name, -1, -1, null, "cannot be read from the classpath: " + e, e);
    }
    return decode(name, bytes);
  }

  /**
   * The config in {@code bytes}, decoded as UTF-8 whatever the platform or compiler encoding (RecIS
   * reads its JSON as UTF-8): a leading BOM is dropped, and bytes that are not UTF-8 are an error
   * rather than silently replaced, so every reader sees the same feature names.
   *
   * @param fileName how messages refer to the file (a path, a classpath resource name)
   * @throws FgConfigException if the bytes are not UTF-8
   */
  public static ConfigSource decode(String fileName, byte[] bytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw FgConfigException.at(fileName, -1, -1, null, "is not UTF-8 text; save it as UTF-8 JSON", e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a BOM is not JSON; Python's json.load also chokes on it
    }
    return new ConfigSource(fileName, text);
  }
}
