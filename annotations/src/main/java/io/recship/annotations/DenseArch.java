package io.recship.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Marks the dense architecture of a {@link RecModel}: a member whose type extends
 * {@code io.recship.nn.Module} and has exactly one {@link ExportOutput} method.
 *
 * <p>Same placement rules as {@link SparseArch}: a non-private field, a non-private getter, or a
 * Kotlin property (read through its getter). Exactly one per model.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@java.lang.annotation.Target({ElementType.FIELD, ElementType.METHOD})
public @interface DenseArch {}
