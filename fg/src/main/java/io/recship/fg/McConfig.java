package io.recship.fg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A parsed mc.json: block name to the features concatenated into it, in file order. Entries are
 * as written: short names in a block named after a {@code sequence_name} (RecIS prefixes them),
 * full names elsewhere. Dict-mode entries ({@code {"column_name": ...}}) keep only their column
 * name, as RecIS' {@code _format_mc} does.
 */
public final class McConfig {
  /** How entries are written: plain strings, or {@code {"column_name": ...}} objects. */
  public enum Mode {
    LIST,
    DICT
  }

  private final Map<String, List<String>> blocks;
  private final Mode mode;
  private final String sourceName;

  McConfig(Map<String, List<String>> blocks, Mode mode, String sourceName) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    blocks.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.blocks = Collections.unmodifiableMap(copy);
    this.mode = mode;
    this.sourceName = sourceName;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Blocks in file order. */
  public Map<String, List<String>> blocks() {
    return blocks;
  }

  public Set<String> blockNames() {
    return blocks.keySet();
  }

  /** The entries of a block, or null if there is no such block. Kotlin: {@code mc["user"]}. */
  public @Nullable List<String> get(String block) {
    return blocks.get(block);
  }

  public Mode mode() {
    return mode;
  }

  /** The file this came from, or a description for configs built in code. Not part of equality. */
  public String sourceName() {
    return sourceName;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof McConfig other && blocks.equals(other.blocks) && mode == other.mode;
  }

  @Override
  public int hashCode() {
    return blocks.hashCode() * 31 + mode.hashCode();
  }

  @Override
  public String toString() {
    return "McConfig[" + sourceName + ", " + mode + ", " + blocks + "]";
  }

  /** Builds an {@link McConfig} in code; blocks keep the order they are added in. */
  public static final class Builder {
    private final Map<String, List<String>> blocks = new LinkedHashMap<>();
    private Mode mode = Mode.LIST;
    private String sourceName = "McConfig.builder()";

    Builder() {}

    /** A block; for a sequence block (named after a sequence_name) give the short sub-feature names. */
    public Builder block(String name, String... features) {
      return block(name, Arrays.asList(features));
    }

    public Builder block(String name, List<String> features) {
      if (blocks.containsKey(name)) {
        throw new IllegalArgumentException("mc block '" + name + "' is already defined; a JSON object cannot hold it twice");
      }
      blocks.put(name, new ArrayList<>(features));
      return this;
    }

    public Builder mode(Mode value) {
      this.mode = value;
      return this;
    }

    public Builder sourceName(String name) {
      this.sourceName = name;
      return this;
    }

    public McConfig build() {
      return new McConfig(blocks, mode, sourceName);
    }
  }
}
