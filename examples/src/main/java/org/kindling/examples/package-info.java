/**
 * Runnable Kindling programs: the Fashion-MNIST demo ({@link
 * org.kindling.examples.FashionMnistDemo}) and the helpers it shares with the command line
 * (the data set location, RecordIO packing, the embedded Spark session, the predictions CSV).
 */
package org.kindling.examples;
