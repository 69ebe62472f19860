/** NDArrays, shapes and element types: the tensor core that every other module builds on. */
package org.kindling.tensor;
