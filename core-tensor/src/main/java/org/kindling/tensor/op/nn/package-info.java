/** Neural-network layers with MXNet's names and parameters: FullyConnected, Activation, losses. */
package org.kindling.tensor.op.nn;
