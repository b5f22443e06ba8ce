package io.recship.export;
public final class Exporter { public static ExportResult export(ExportPlan plan) { throw new UnsupportedOperationException("pipeline not yet"); } }
