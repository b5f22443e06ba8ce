package io.recship.processor;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;

/** Test sources with known line numbers, and the compiler set up like a user's build. */
final class Fixtures {
  /** Line of {@code @RecModel} in every {@link #model} source. */
  static final int REC_MODEL_LINE = 9;
  /** Line of the first member passed to {@link #model}. */
  static final int FIRST_MEMBER_LINE = 11;
  /** Line of the first body line passed to {@link #dense}. */
  static final int FIRST_DENSE_LINE = 11;

  private Fixtures() {}

  /**
   * {@code com.acme.CtrModel} with {@code @RecModel(<recModelArgs>)} on {@link #REC_MODEL_LINE}
   * and {@code members} from {@link #FIRST_MEMBER_LINE}.
   */
  static JavaFileObject model(String recModelArgs, String... members) {
    return namedModel("CtrModel", recModelArgs, members);
  }

  /** As {@link #model(String, String...)}, for a model named {@code com.acme.<className>}. */
  static JavaFileObject namedModel(String className, String recModelArgs, String... members) {
    List<String> lines = new ArrayList<>(List.of(
        "package com.acme;",
        "",
        "import io.recship.annotations.DenseArch;",
        "import io.recship.annotations.RecModel;",
        "import io.recship.annotations.SparseArch;",
        "import io.recship.annotations.Target;",
        "import io.recship.sparse.SparseModel;",
        "",
        "@RecModel(" + recModelArgs + ")",
        "public class " + className + " {"));
    lines.addAll(List.of(members));
    lines.add("}");
    return JavaFileObjects.forSourceLines("com.acme." + className, lines);
  }

  /** The usual members: package-private final fields. */
  static final String[] FIELDS = {
    "  @SparseArch SparseModel sparse;",
    "  @DenseArch CtrDense dense;"
  };

  /** A valid model over the {@code valid} configs. */
  static JavaFileObject validModel() {
    return model("fg = \"valid/fg.json\", mc = \"valid/mc.json\"", FIELDS);
  }

  /** {@code com.acme.CtrDense extends Module} with {@code body} from {@link #FIRST_DENSE_LINE}. */
  static JavaFileObject dense(String... body) {
    List<String> lines = new ArrayList<>(List.of(
        "package com.acme;",
        "",
        "import io.recship.annotations.ExportOutput;",
        "import io.recship.nn.Module;",
        "import io.recship.tensor.Blocks;",
        "import io.recship.tensor.Tensor;",
        "import java.util.List;",
        "import java.util.Map;",
        "",
        "public final class CtrDense extends Module {"));
    lines.addAll(List.of(body));
    lines.add("}");
    return JavaFileObjects.forSourceLines("com.acme.CtrDense", lines);
  }

  /** A dense net with two named outputs returned as a record. */
  static JavaFileObject twoOutputDense() {
    return dense(
        "  public record CtrCvr(Tensor ctr, Tensor cvr) {}",
        "",
        "  @ExportOutput({\"ctr\", \"cvr\"})",
        "  public CtrCvr forward(Blocks in) {",
        "    return new CtrCvr(in.get(\"user\"), in.get(\"item\"));",
        "  }");
  }

  /** Compiles with the processor and the config directory option, against recship-runtime. */
  static Compilation compile(JavaFileObject... sources) {
    return compiler().compile(sources);
  }

  static Compiler compiler() {
    return Compiler.javac()
        .withProcessors(new RecModelProcessor())
        .withOptions("-Arecship.resources=" + configDir(), "-Xlint:all,-processing");
  }

  /** {@code src/test/resources/configs}: one folder per fg/mc pair. */
  static Path configDir() {
    return resourcePath("/configs");
  }

  static Path resourcePath(String name) {
    URL url = Fixtures.class.getResource(name);
    if (url == null) {
      throw new IllegalStateException("test resource missing: " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
