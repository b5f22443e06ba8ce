package io.recship.data;

/** One parsed sample: feature values in schema column order, labels, ids, and where it came from. */
record Row(Object[] features, float[] labels, String[] ids, String source) {}
