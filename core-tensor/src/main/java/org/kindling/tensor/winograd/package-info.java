/**
 * Winograd convolution for 3x3, stride-1 2-D convolutions (the algorithm of NNPACK, as Lavin
 * and Gray describe it): F(4x4,3x3) and F(6x6,3x3) tiles, the element-wise stage as one OpenBLAS
 * sgemm per transform point, chosen per shape at bind time where it beats the default im2col +
 * sgemm kernel. See {@code docs/winograd.md} for the conditions and error bounds.
 */
package org.kindling.tensor.winograd;
