package io.recship.train;

/** Where training is: global steps, epoch, and batches of that epoch consumed. */
public final class TrainState {
  long step;
  int epoch;
  long batch;

  TrainState() {}

  TrainState(long step, int epoch, long batch) {
    this.step = step;
    this.epoch = epoch;
    this.batch = batch;
  }

  public long step() {
    return step;
  }

  public int epoch() {
    return epoch;
  }

  public long batch() {
    return batch;
  }

  TrainState copy() {
    return new TrainState(step, epoch, batch);
  }

  @Override
  public String toString() {
    return "TrainState(step=" + step + ", epoch=" + epoch + ", batch=" + batch + ")";
  }
}
