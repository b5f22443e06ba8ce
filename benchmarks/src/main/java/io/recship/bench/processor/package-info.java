/** How much the RecShip annotation processor adds to compile time. */
package io.recship.bench.processor;
