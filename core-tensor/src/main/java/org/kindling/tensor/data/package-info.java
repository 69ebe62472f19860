/** Mini-batches handed from data iterators to training and inference. */
package org.kindling.tensor.data;
