/**
 * Operators that change shapes or move data, with MXNet's names and semantics: Reshape,
 * Flatten, expand_dims, squeeze, transpose, Concat, stack, SliceChannel (split), slice,
 * slice_axis, take, one_hot, broadcast_to, broadcast_axis, Pad, tile, repeat, reverse. Most are
 * {@code DataMovement}s: strided copies forward and strided additions backward.
 */
package org.kindling.tensor.op.shape;
