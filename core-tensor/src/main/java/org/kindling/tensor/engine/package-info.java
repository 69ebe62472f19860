/**
 * The dependency engine: operations are pushed with the variables they read and write, and run
 * as soon as their dependencies allow (MXNet's {@code Engine}); {@link
 * org.kindling.tensor.engine.ThreadBudget} shares the cores between its workers and OpenBLAS.
 */
package org.kindling.tensor.engine;
