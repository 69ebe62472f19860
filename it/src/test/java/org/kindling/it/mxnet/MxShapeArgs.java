package org.kindling.it.mxnet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Named shapes in the compressed-row layout MXNet's C API takes ({@code MXPredCreate*},
 * {@code MXSymbolInferShape*}): shape {@code i} of key {@code keys[i]} is
 * {@code data[indPtr[i] .. indPtr[i + 1])}, so {@code indPtr} has {@code keys.length + 1} entries
 * starting at 0.
 */
record MxShapeArgs(String[] keys, int[] indPtr, int[] data) {

  /** Encodes {@code shapes} in the map's iteration order. */
  static MxShapeArgs of(Map<String, int[]> shapes) {
    String[] keys = shapes.keySet().toArray(new String[0]);
    int[] indPtr = new int[keys.length + 1];
    List<Integer> dims = new ArrayList<>();
    int k = 0;
    for (int[] shape : shapes.values()) {
      for (int d : shape) {
        dims.add(d);
      }
      indPtr[++k] = dims.size();
    }
    return new MxShapeArgs(keys, indPtr, dims.stream().mapToInt(Integer::intValue).toArray());
  }
}
