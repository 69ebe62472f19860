/** Element-wise arithmetic: the elemwise_*, broadcast_* and scalar operator families. */
package org.kindling.tensor.op.math;
