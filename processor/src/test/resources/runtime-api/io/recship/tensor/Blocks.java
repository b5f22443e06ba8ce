package io.recship.tensor;
import java.util.Map;
public final class Blocks { public Tensor get(String n) { return null; } public Map<String, Tensor> asMap() { return Map.of(); } }
