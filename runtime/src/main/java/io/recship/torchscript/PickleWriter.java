package io.recship.torchscript;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few pickle protocol 2 opcodes torch's {@code data.pkl} needs. No memo: every object is
 * written once, which both torch's Python unpickler and libtorch's C++ one accept.
 */
final class PickleWriter {
  private static final int PROTO = 0x80;
  private static final int GLOBAL = 'c';
  private static final int EMPTY_TUPLE = ')';
  private static final int EMPTY_DICT = '}';
  private static final int MARK = '(';
  private static final int TUPLE = 't';
  private static final int NEWOBJ = 0x81;
  private static final int SETITEMS = 'u';
  private static final int BUILD = 'b';
  private static final int REDUCE = 'R';
  private static final int BINPERSID = 'Q';
  private static final int BINUNICODE = 'X';
  private static final int BININT = 'J';
  private static final int BININT1 = 'K';
  private static final int BININT2 = 'M';
  private static final int LONG1 = 0x8a;
  private static final int BINFLOAT = 'G';
  private static final int NEWTRUE = 0x88;
  private static final int NEWFALSE = 0x89;
  private static final int STOP = '.';

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  PickleWriter() {
    out.write(PROTO);
    out.write(2);
  }

  PickleWriter global(String module, String name) {
    out.write(GLOBAL);
    ascii(module + "\n" + name + "\n");
    return this;
  }

  PickleWriter emptyTuple() {
    out.write(EMPTY_TUPLE);
    return this;
  }

  PickleWriter emptyDict() {
    out.write(EMPTY_DICT);
    return this;
  }

  PickleWriter mark() {
    out.write(MARK);
    return this;
  }

  /** Builds a tuple of everything since the last {@link #mark()}. */
  PickleWriter tuple() {
    out.write(TUPLE);
    return this;
  }

  PickleWriter newObj() {
    out.write(NEWOBJ);
    return this;
  }

  PickleWriter setItems() {
    out.write(SETITEMS);
    return this;
  }

  PickleWriter build() {
    out.write(BUILD);
    return this;
  }

  PickleWriter reduce() {
    out.write(REDUCE);
    return this;
  }

  PickleWriter binPersId() {
    out.write(BINPERSID);
    return this;
  }

  PickleWriter string(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.write(BINUNICODE);
    int32(utf8.length);
    out.write(utf8, 0, utf8.length);
    return this;
  }

  PickleWriter bool(boolean b) {
    out.write(b ? NEWTRUE : NEWFALSE);
    return this;
  }

  /** Smallest opcode that holds {@code v}: BININT1/BININT2 (unsigned), BININT, else LONG1. */
  PickleWriter integer(long v) {
    if (v >= 0 && v < 0x100) {
      out.write(BININT1);
      out.write((int) v);
    } else if (v >= 0 && v < 0x10000) {
      out.write(BININT2);
      out.write((int) v & 0xff);
      out.write((int) (v >>> 8) & 0xff);
    } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      out.write(BININT);
      int32((int) v);
    } else {
      // LONG1: length byte, then two's-complement little-endian; 8 bytes always suffice.
      out.write(LONG1);
      out.write(8);
      for (int i = 0; i < 8; i++) {
        out.write((int) (v >>> (8 * i)) & 0xff);
      }
    }
    return this;
  }

  /** BINFLOAT is big-endian, unlike everything else in the archive. */
  PickleWriter floating(double v) {
    out.write(BINFLOAT);
    long bits = Double.doubleToLongBits(v);
    for (int i = 7; i >= 0; i--) {
      out.write((int) (bits >>> (8 * i)) & 0xff);
    }
    return this;
  }

  byte[] stop() {
    out.write(STOP);
    return out.toByteArray();
  }

  private void int32(int v) {
    out.write(v & 0xff);
    out.write((v >>> 8) & 0xff);
    out.write((v >>> 16) & 0xff);
    out.write((v >>> 24) & 0xff);
  }

  private void ascii(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    out.write(b, 0, b.length);
  }
}
