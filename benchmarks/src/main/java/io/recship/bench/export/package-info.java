@org.jspecify.annotations.NullMarked
package io.recship.bench.export;
