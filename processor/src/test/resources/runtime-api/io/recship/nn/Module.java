package io.recship.nn;

public abstract class Module {
  protected Module() {}
}
