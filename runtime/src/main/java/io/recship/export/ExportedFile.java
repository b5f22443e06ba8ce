package io.recship.export;

/**
 * One file of an export folder as listed in its manifest.
 *
 * @param path path relative to the export folder, with {@code /} separators
 * @param size size in bytes
 * @param sha256 lower-case hex SHA-256 of the content
 */
public record ExportedFile(String path, long size, String sha256) {}
