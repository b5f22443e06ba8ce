package io.recship.data;
public interface Dataset {}
