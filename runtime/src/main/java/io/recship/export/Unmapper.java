package io.recship.export;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Unmaps a {@link MappedByteBuffer} now rather than whenever the GC collects it: a mapping keeps
 * a deleted file's disk blocks, and an export maps gigabytes. Java 17 has no public unmap; {@code
 * sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}) is the supported way out until
 * the FFM API. Where it is missing, {@link #AVAILABLE} is false and callers read instead of map.
 */
final class Unmapper {
  private static final @Nullable MethodHandle INVOKE_CLEANER = find();

  static final boolean AVAILABLE = INVOKE_CLEANER != null;

  private Unmapper() {}

  /** Unmaps {@code buffer}; it must not be touched afterwards (the JVM would crash). */
  static void unmap(MappedByteBuffer buffer) {
    MethodHandle h = INVOKE_CLEANER;
    if (h == null) {
      return; // the GC unmaps it
    }
    try {
      h.invokeExact((ByteBuffer) buffer);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("cannot unmap a mapped buffer", e);
    }
  }

  private static @Nullable MethodHandle find() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return MethodHandles.lookup()
          .findVirtual(
              unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(f.get(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
