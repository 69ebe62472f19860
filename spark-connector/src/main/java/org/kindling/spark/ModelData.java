package org.kindling.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A trained network as MXNet stores it: the symbol JSON and the {@code .params} file image
 * ({@code arg:name} / {@code aux:name} arrays), with the files they came from for error
 * messages. Immutable; this is what {@link KindlingModel} broadcasts to the executors once per
 * {@code transform}. Equality is by content: the sources are not compared.
 *
 * @param symbolJson the network, as in {@code PREFIX-symbol.json}
 * @param params the parameters, as in {@code PREFIX-%04d.params}
 * @param symbolSource where the symbol came from (a file name), named by errors
 * @param paramsSource where the parameters came from (a file name), named by errors
 */
public record ModelData(String symbolJson, byte[] params, String symbolSource,
    String paramsSource) implements Serializable {

  public ModelData {
    Objects.requireNonNull(symbolJson, "symbolJson");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(symbolSource, "symbolSource");
    Objects.requireNonNull(paramsSource, "paramsSource");
    params = params.clone();
  }

  /** A model made in memory, without files: errors name "the model's symbol/parameters". */
  public ModelData(String symbolJson, byte[] params) {
    this(symbolJson, params, "the model's symbol", "the model's parameters");
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
    return "ModelData[" + paramsSource + ", symbol " + symbolJson.length() + " chars, params "
        + params.length + " bytes]";
  }
}
