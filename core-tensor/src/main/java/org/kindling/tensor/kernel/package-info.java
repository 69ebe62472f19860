/**
 * The one kernel library: OpenBLAS through JavaCPP ({@link org.kindling.tensor.kernel.Blas}) and
 * float32 loops ({@link org.kindling.tensor.kernel.FloatKernels}) shared by the operators'
 * kernels, the optimizers and the KVStore.
 */
package org.kindling.tensor.kernel;
