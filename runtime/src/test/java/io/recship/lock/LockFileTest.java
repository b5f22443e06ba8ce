package io.recship.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {
  @TempDir Path dir;

  @Test
  void aSecondThreadIsRefusedAtOnceNamingTheHolderAndGetsTheLockOnceReleased() throws Exception {
    Path file = dir.resolve(".x.lock");
    try (LockFile held = LockFile.tryAcquire(file, true)) {
      Throwable refused =
          CompletableFuture.supplyAsync(() -> attempt(file)).get();
      assertThat(refused).isInstanceOf(LockFile.Held.class);
      LockFile.Held h = (LockFile.Held) refused;
      assertThat(h.inThisJvm()).isTrue();
      assertThat(h.holder())
          .startsWith("pid " + ProcessHandle.current().pid() + " on ")
          .endsWith(", thread " + Thread.currentThread().getName());
      assertThat(LockFile.liveHolder(file)).isEqualTo(h.holder());
      assertThat(held.file()).isEqualTo(file.toAbsolutePath().normalize());
    }
    assertThat(LockFile.liveHolder(file)).as("released").isNull();
    assertThat(file).as("kept, emptied (clearOnRelease)").exists().isEmptyFile();
    try (LockFile again = LockFile.tryAcquire(file, false)) {
      assertThat(again).isNotNull();
    }
    assertThat(Files.readString(file)).as("kept naming its last holder")
        .startsWith("pid " + ProcessHandle.current().pid() + " on ");
  }

  @Test
  void aProbeNeitherCreatesTheFileNorBlocksALaterLock() throws Exception {
    Path file = dir.resolve(".y.lock");
    assertThat(LockFile.liveHolder(file)).isNull();
    assertThat(file).doesNotExist();
    Files.writeString(file, "pid 1 on another-host (dead)");
    assertThat(LockFile.liveHolder(file)).as("a dead holder's name is no lock").isNull();
    try (LockFile l = LockFile.tryAcquire(file, true)) {
      assertThat(Files.readString(file)).startsWith("pid " + ProcessHandle.current().pid());
    }
  }

  @Test
  void aFolderThatCannotBeCreatedIsAnIoExceptionNotHeld() throws IOException {
    Path aFile = Files.writeString(dir.resolve("afile"), "x");
    assertThatThrownBy(() -> LockFile.tryAcquire(aFile.resolve(".z.lock"), true))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(LockFile.LockFailed.class);
  }

  private static Throwable attempt(Path file) {
    try (LockFile l = LockFile.tryAcquire(file, true)) {
      return new AssertionError("acquired a held lock");
    } catch (Exception e) {
      return e;
    }
  }
}
