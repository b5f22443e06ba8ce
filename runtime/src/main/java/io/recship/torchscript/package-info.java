/**
 * Writing TorchScript archives from Java and loading them back through DJL/libtorch.
 *
 * <p>{@link io.recship.torchscript.ScriptModuleSpec} describes one module (tensor attributes,
 * forward arguments, forward body as TorchScript statements); {@link
 * io.recship.torchscript.TorchScriptWriter} turns it into a deterministic {@code .pt} zip that
 * {@code torch.jit.load} and libtorch accept; {@link io.recship.torchscript.ScriptModel} loads
 * such an archive and runs it, mapping compile errors to {@link
 * io.recship.torchscript.TorchScriptException}.
 */
@org.jspecify.annotations.NullMarked
package io.recship.torchscript;
