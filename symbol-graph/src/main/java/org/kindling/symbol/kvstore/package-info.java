/**
 * The {@link org.kindling.symbol.kvstore.KVStore} API that training code calls; the
 * implementations live in {@code kvstore-spark}.
 */
package org.kindling.symbol.kvstore;
