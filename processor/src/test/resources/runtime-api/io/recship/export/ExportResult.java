package io.recship.export;
public final class ExportResult {}
