package io.recship.export;
import io.recship.tensor.*; import java.util.List;
public interface DenseForward { List<Tensor> apply(Blocks blocks); }
