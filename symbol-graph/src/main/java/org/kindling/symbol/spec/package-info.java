/**
 * Name-plus-keywords configurations ({@code xavier(magnitude=2)}, MXNet's {@code ["xavier",
 * {...}]}) read by the initializer and metric factories, with typed values and errors that name
 * the key.
 */
package org.kindling.symbol.spec;
