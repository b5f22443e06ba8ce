package io.recship.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WorkerTest {
  @Test
  void joinRethrowsTheTasksOwnExceptionSoJavacReportsTheRealCrash() {
    IllegalStateException crash = new IllegalStateException("rule checker bug");
    try (Worker worker = new Worker()) {
      CompletableFuture<String> task = CompletableFuture.supplyAsync(() -> {
        throw crash;
      }, worker);

      assertThatThrownBy(() -> Worker.join(task)).isSameAs(crash);
    }
  }

  @Test
  void runsTasksOnOneDaemonThreadThatNeverKeepsTheCompilerAlive() {
    try (Worker worker = new Worker()) {
      Thread first = Worker.join(CompletableFuture.supplyAsync(Thread::currentThread, worker));
      Thread second = Worker.join(CompletableFuture.supplyAsync(Thread::currentThread, worker));

      assertThat(first).isSameAs(second).isNotSameAs(Thread.currentThread());
      assertThat(first.isDaemon()).isTrue();
    }
  }
}
