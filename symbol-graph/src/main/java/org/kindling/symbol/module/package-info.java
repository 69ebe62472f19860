/**
 * The training {@link org.kindling.symbol.module.Module}: bind, initialize, optimize (locally or
 * through a KVStore), evaluate and checkpoint a symbol.
 */
package org.kindling.symbol.module;
