package org.kindling.tensor.op;

/**
 * MXNet's {@code MXNET_ADD_ALL_TYPES}, the {@code dtype} values of operators that accept any
 * numeric type but bool ({@code Embedding}, {@code one_hot}), in MXNet's declaration order.
 */
public enum AllTypes implements DTypeEnum {
  FLOAT32,
  FLOAT64,
  FLOAT16,
  BFLOAT16,
  UINT8,
  INT8,
  INT32,
  INT64
}
