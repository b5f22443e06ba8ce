package io.recship.export;

/**
 * What {@code @RecModel} declared: the FG and MC classpath resources (resolved against {@code
 * anchor}'s class loader) and the delivery target. At export the sparse model's FG must equal the
 * declared one.
 */
public record DeclaredConfig(Class<?> anchor, String fgResource, String mcResource, String target) {}
