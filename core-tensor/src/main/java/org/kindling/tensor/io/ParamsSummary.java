package org.kindling.tensor.io;

import java.util.ArrayList;
import java.util.List;
import org.kindling.tensor.Elements;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * The listing printed by {@code kindling params show FILE}: one line per array,
 * {@code name<TAB>dtype<TAB>shape<TAB>sum}.
 *
 * <ul>
 *   <li>name: the array's name, or its index in a list file (no names);
 *   <li>dtype: the numpy name ({@code float32}, {@code int64}, ...);
 *   <li>shape: comma-separated dimensions ({@code 10,1}; {@code 5} for {@code (5,)}),
 *       {@code ()} for a scalar;
 *   <li>sum: the sum of all elements, each converted to float64 first (float16 and bfloat16
 *       decoded, bool as 0/1, unsigned types as unsigned), added in index order and printed
 *       like C's {@code %.9g} ({@link CFormat}).
 * </ul>
 */
public final class ParamsSummary {
  private ParamsSummary() {}

  /** The lines for {@code contents}, in file order, without line terminators. */
  public static List<String> lines(ParamsFile.Contents contents) {
    List<String> names = contents.names();
    List<NDArray> arrays = contents.arrays();
    List<String> out = new ArrayList<>(arrays.size());
    for (int i = 0; i < arrays.size(); i++) {
      NDArray a = arrays.get(i);
      a.waitToRead();
      String name = names.isEmpty() ? Integer.toString(i) : names.get(i);
      double sum = Elements.sum(a.byteBuffer(), a.dtype(), a.size());
      out.add(name + '\t' + a.dtype().numpyName() + '\t' + shape(a.shape()) + '\t'
          + CFormat.g(sum, 9));
    }
    return out;
  }

  /** {@code 10,1} for {@code (10, 1)}, {@code ()} for a scalar. */
  static String shape(Shape s) {
    if (s.ndim() == 0) {
      return "()";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.ndim(); i++) {
      sb.append(i > 0 ? "," : "").append(s.get(i));
    }
    return sb.toString();
  }
}
