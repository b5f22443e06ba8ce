package io.recship.tensor;
public final class Tensor { public Tensor sigmoid() { return this; } public static Tensor cat(int d, Tensor... ts) { return ts[0]; } }
