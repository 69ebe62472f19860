/**
 * The graph representation ({@link org.kindling.symbol.graph.Node},
 * {@link org.kindling.symbol.graph.NodeEntry}, the indexed {@link org.kindling.symbol.graph.Graph})
 * and the passes over it, each a separate class stating what it needs and provides: shape and
 * type inference, the gradient pass, fusion, the lowering to steps over values
 * ({@link org.kindling.symbol.graph.ExecGraph}), memory planning, and MXNet symbol JSON reading
 * and writing.
 */
package org.kindling.symbol.graph;
