/**
 * Mini-batches and the iterators that produce them, as MXNet's {@code mx.io}: {@link
 * org.kindling.tensor.data.DataBatch} (data, labels, padding), {@link
 * org.kindling.tensor.data.DataIter} (the iterator contract, with {@link
 * org.kindling.tensor.data.DataDesc} descriptors) and {@link
 * org.kindling.tensor.data.NDArrayIter} (in-memory arrays). Record files are read by {@code
 * org.kindling.io.image.RawImageRecordIter} in io-hdfs-s3.
 */
package org.kindling.tensor.data;
