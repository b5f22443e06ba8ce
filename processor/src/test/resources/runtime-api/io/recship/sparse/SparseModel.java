package io.recship.sparse;
public class SparseModel {}
