package org.kindling.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A trained network as MXNet stores it: the symbol JSON and the {@code .params} file image
 * ({@code arg:name} / {@code aux:name} arrays). Immutable; this is what {@link KindlingModel}
 * broadcasts to the executors once per {@code transform}.
 *
 * @param symbolJson the network, as in {@code PREFIX-symbol.json}
 * @param params the parameters, as in {@code PREFIX-%04d.params}
 */
public record ModelData(String symbolJson, byte[] params) implements Serializable {

  public ModelData {
    Objects.requireNonNull(symbolJson, "symbolJson");
    Objects.requireNonNull(params, "params");
    params = params.clone();
  }

  /** A copy of the {@code .params} bytes. */
  @Override
  public byte[] params() {
    return params.clone();
  }

  /** The {@code .params} bytes without a copy, for readers inside this package. */
  byte[] paramsUnsafe() {
    return params;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelData m && symbolJson.equals(m.symbolJson)
        && Arrays.equals(params, m.params);
  }

  @Override
  public int hashCode() {
    return 31 * symbolJson.hashCode() + Arrays.hashCode(params);
  }

  @Override
  public String toString() {
    return "ModelData[symbol " + symbolJson.length() + " chars, params " + params.length
        + " bytes]";
  }
}
