package org.kindling.spark.recordio;

import org.apache.spark.sql.connector.read.InputPartition;

/**
 * Part {@code part} of {@code numParts} of the files the driver resolved. The executor reopens
 * exactly these files (no directory listing or pattern matching on executors) and checks that
 * their total size is still {@code totalBytes}, so every task divides the same byte space.
 *
 * @param files the resolved, qualified file paths joined by {@code ;}
 * @param totalBytes their total size when the scan was planned
 * @param part the part index
 * @param numParts the number of parts
 */
record RecordIOInputPartition(String files, long totalBytes, int part, int numParts)
    implements InputPartition {}
