package io.recship.fg;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds line/column to findings. Jackson trees carry no positions, so this makes one streaming pass
 * over the text, descending only into subtrees that contain a wanted pointer (O(text), and free
 * when there are no findings). A pointer to a missing key resolves to its nearest existing parent.
 */
final class Locator {
  private Locator() {}

  /**
   * {@code findings} with line and column from their pointers. A finding that has a position
   * already keeps it: a duplicate key's second occurrence, which its pointer cannot tell apart
   * from the first.
   */
  static List<Finding> locate(String text, List<Finding> findings) {
    if (findings.isEmpty()) {
      return findings;
    }
    List<String> pointers = new ArrayList<>(findings.size());
    for (Finding f : findings) {
      if (!f.hasPosition()) {
        pointers.add(f.pointer());
      }
    }
    if (pointers.isEmpty()) {
      return findings;
    }
    Map<String, JsonLocation> found = positions(text, pointers);
    List<Finding> out = new ArrayList<>(findings.size());
    for (Finding f : findings) {
      JsonLocation loc = f.hasPosition() ? null : found.get(f.pointer());
      out.add(loc == null ? f : f.at(loc.getLineNr(), loc.getColumnNr()));
    }
    return out;
  }

  /**
   * Where each of {@code pointers} is in {@code text} (a missing key at its nearest existing
   * parent), in one pass; pointers that cannot be placed (unparsable text) are absent.
   */
  static Map<String, JsonLocation> positions(String text, Collection<String> pointers) {
    Set<String> wanted = new HashSet<>();
    for (String pointer : pointers) {
      String p = pointer;
      while (wanted.add(p) && !p.isEmpty()) {
        p = parent(p);
      }
    }
    Map<String, JsonLocation> found = new HashMap<>();
    try (JsonParser parser = Json.FACTORY.createParser(text)) {
      if (parser.nextToken() != null) {
        walk(parser, "", wanted, found);
      }
    } catch (IOException | RuntimeException e) {
      // Positions are a convenience: findings stay valid with their JSON pointers alone.
    }
    Map<String, JsonLocation> out = new HashMap<>();
    for (String pointer : pointers) {
      String p = pointer;
      JsonLocation loc = found.get(p);
      while (loc == null && !p.isEmpty()) {
        p = parent(p);
        loc = found.get(p);
      }
      if (loc != null) {
        out.put(pointer, loc);
      }
    }
    return out;
  }

  private static String parent(String pointer) {
    int slash = pointer.lastIndexOf('/');
    return slash <= 0 ? "" : pointer.substring(0, slash);
  }

  private static void walk(JsonParser p, String ptr, Set<String> wanted, Map<String, JsonLocation> found)
      throws IOException {
    if (!wanted.contains(ptr)) {
      p.skipChildren();
      return;
    }
    found.put(ptr, p.currentTokenLocation());
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String child = ptr + "/" + Json.escape(p.currentName());
        if (found.containsKey(child)) {
          // a duplicate key: its last value is the one in the tree, so forget the earlier one's places
          String inside = child + "/";
          found.keySet().removeIf(k -> k.startsWith(inside));
        }
        p.nextToken();
        walk(p, child, wanted, found);
      }
    } else if (t == JsonToken.START_ARRAY) {
      int i = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        walk(p, ptr + "/" + i++, wanted, found);
      }
    }
  }
}
