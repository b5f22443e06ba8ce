package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransfersTest {
  @Test
  void progressBarWidthFollowsColumnsAndFallsBackTo100WithoutProbingTheTerminal() {
    assertThat(Transfers.columns("120")).isEqualTo(119);
    assertThat(Transfers.columns(" 80 ")).isEqualTo(79);
    assertThat(Transfers.columns(null)).isEqualTo(100);
    assertThat(Transfers.columns("wide")).isEqualTo(100);
    assertThat(Transfers.columns("10")).isEqualTo(100); // too narrow to show a bar
  }
}
