/**
 * Kindling on Apache Spark: the distributed training job and the Spark ML model.
 *
 * <ul>
 *   <li>{@link org.kindling.spark.TrainJob}: {@code spark-submit --class
 *       org.kindling.spark.TrainJob kindling-spark-assembly.jar --data ... } or
 *       {@code TrainJob.run(spark, config)}; options in {@link org.kindling.spark.TrainArgs},
 *       settings in {@link org.kindling.spark.TrainConfig}. One barrier stage of W tasks trains
 *       any zoo network or symbol file with {@code Module.fit} and the parameter server on the
 *       driver ({@code dist_device_sync} by default: the tasks of an executor sum first);
 *       checkpoints are MXNet's {@code PREFIX-symbol.json} and {@code PREFIX-%04d.params} with
 *       the optimizer states {@code PREFIX-%04d.states} and the history {@code
 *       PREFIX-history.csv/.json/.png} (with the server's {@code kv_*} figures) and {@code
 *       PREFIX-history-kvstore.csv} (per key) on any Hadoop file system, and
 *       {@code --begin-epoch N} resumes from checkpoint N.
 *   <li>{@link org.kindling.spark.KindlingModel}: a Spark ML {@code Model} that scores a
 *       DataFrame in batches, saved and loaded like Spark's own stages.
 * </ul>
 */
package org.kindling.spark;
