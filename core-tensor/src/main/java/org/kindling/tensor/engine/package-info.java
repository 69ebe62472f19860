/**
 * The dependency engine: operations are pushed with the variables they read and write, and run
 * as soon as their dependencies allow (MXNet's {@code Engine}).
 */
package org.kindling.tensor.engine;
