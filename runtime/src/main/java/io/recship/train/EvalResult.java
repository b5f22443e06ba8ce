package io.recship.train;

/** Mean BCE loss and AUC of a model over a dataset. */
public record EvalResult(double loss, double auc, long samples) {}
