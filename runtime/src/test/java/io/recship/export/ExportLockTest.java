package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportLockTest {
  @TempDir Path dir;

  @Test
  void theBlockingPublishLockRecordsItsHolderOverAnEarlierHoldersName() throws IOException {
    Path file = dir.resolve(".out.recship-publish.lock");
    Files.writeString(file, "pid 1 on another-host (JVM 1@another-host, started 2024-01-01T00:00:00Z), thread old");

    try (ExportLock lock = ExportLock.acquireBlocking(file)) {
      assertThat(Files.readString(file))
          .startsWith("pid " + ProcessHandle.current().pid() + " on ")
          .endsWith(", thread " + Thread.currentThread().getName());
    }
  }

  @Test
  void theTryLockRecordsItsHolderToo() throws IOException {
    Path file = dir.resolve(".out.recship-r0.lock");

    try (ExportLock lock = ExportLock.tryAcquire(file, "exportDir out")) {
      assertThat(Files.readString(file)).startsWith("pid " + ProcessHandle.current().pid() + " on ");
    }
  }
}
