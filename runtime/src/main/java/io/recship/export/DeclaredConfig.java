package io.recship.export;

import io.recship.fg.ConfigSource;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgOptions;
import org.jspecify.annotations.Nullable;

/**
 * What {@code @RecModel} declared, and the processor checked at compile time: the FG and MC
 * classpath resources (resolved against {@code anchor}'s class loader), the delivery target and
 * {@code lowerCase}. At export the sparse model's FG and MC must equal the declared ones, read with
 * the declared {@code lowerCase}, and they must still pass the target's rules (a build that skipped
 * the compiler may not have rerun the compile-time check).
 *
 * @param anchor the {@code @RecModel} class; its class loader finds the resources
 * @param exporter simple name of the generated exporter (e.g. {@code CtrModelExporter}), so that
 *     messages name the call the user wrote; null for a plan built by hand
 * @param target the {@code @RecModel(target)} name, e.g. {@code RTP_MAIN_SEARCH}
 * @param lowerCase {@code @RecModel(lowerCase)}: RecIS' {@code lower_case} for fg and mc
 */
public record DeclaredConfig(
    Class<?> anchor,
    @Nullable String exporter,
    String fgResource,
    String mcResource,
    String target,
    boolean lowerCase) {

  /** A hand-written declaration: no generated exporter, {@code lowerCase} false. */
  public DeclaredConfig(Class<?> anchor, String fgResource, String mcResource, String target) {
    this(anchor, null, fgResource, mcResource, target, false);
  }

  /**
   * The FG and MC this declaration names, read from {@code anchor}'s class loader with the declared
   * {@code lowerCase}: the feature generator that the export compares the model's against, so a
   * model built from it always passes that comparison.
   *
   * @throws io.recship.fg.FgConfigException if a resource is missing from the classpath or malformed
   */
  public FeatureGenerator featureGenerator() {
    ClassLoader loader = anchor.getClassLoader();
    return FeatureGenerator.load(ConfigSource.resource(loader, fgResource),
        ConfigSource.resource(loader, mcResource), FgOptions.DEFAULT.withLowerCase(lowerCase));
  }
}
