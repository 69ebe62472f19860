/** Operators that change shapes or move data: Reshape, Flatten, transpose, Concat, ... */
package org.kindling.tensor.op.shape;
