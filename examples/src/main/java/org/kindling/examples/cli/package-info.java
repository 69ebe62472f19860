/**
 * The {@code kindling} command line ({@link org.kindling.examples.cli.KindlingCli}): the demo,
 * training and scoring on an embedded Spark, and the file tools ({@code im2rec},
 * {@code recordio dump}, {@code params show}).
 */
package org.kindling.examples.cli;
