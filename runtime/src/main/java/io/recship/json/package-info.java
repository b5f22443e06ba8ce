/** JSON parse errors of the files RecShip writes, worded for users. */
@NullMarked
package io.recship.json;

import org.jspecify.annotations.NullMarked;
