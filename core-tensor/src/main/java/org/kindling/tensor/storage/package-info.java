/** The pooled native memory under every NDArray ({@link org.kindling.tensor.storage.Storage}). */
package org.kindling.tensor.storage;
