package org.kindling.symbol.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads the text forms of a {@link Spec}; writes JSON strings as Python's json does. */
final class SpecParser {
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final String text;
  private final String what;
  private int pos;

  private SpecParser(String text, String what) {
    this.text = text;
    this.what = what;
  }

  static Spec parse(String text, String what) {
    String t = text.strip();
    if (t.startsWith("[") || t.startsWith("{")) {
      return parseJson(text, what);
    }
    return new SpecParser(text, what).callForm();
  }

  // ---------------------------------------------------------------- JSON forms

  private static Spec parseJson(String text, String what) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          what + " spec '" + text + "' is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root.isArray()) {
      if (root.size() != 2 || !root.get(0).isTextual() || !root.get(1).isObject()) {
        throw new IllegalArgumentException(what + " spec '" + text + "': the JSON form is "
            + "[\"name\", {\"key\": value, ...}], as MXNet's dumps() writes");
      }
      return new Spec(root.get(0).asText(), jsonArgs(root.get(1), null, text, what));
    }
    JsonNode name = root.get(what);
    if (name == null || !name.isTextual()) {
      throw new IllegalArgumentException(what + " spec '" + text + "': the keyword JSON form "
          + "needs the name under \"" + what + "\", e.g. {\"" + what + "\": \"NAME\", ...}");
    }
    return new Spec(name.asText(), jsonArgs(root, what, text, what));
  }

  private static Map<String, Object> jsonArgs(JsonNode object, String skip, String text,
      String what) {
    Map<String, Object> args = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals(skip)) {
        continue;
      }
      JsonNode v = e.getValue();
      Object value;
      if (v.isNull()) {
        value = null;
      } else if (v.isBoolean()) {
        value = v.booleanValue();
      } else if (v.isNumber()) {
        value = v.numberValue();
      } else if (v.isTextual()) {
        value = v.textValue();
      } else {
        throw new IllegalArgumentException(what + " spec '" + text + "': the value of '"
            + e.getKey() + "' is a JSON " + v.getNodeType().name().toLowerCase(Locale.ROOT)
            + "; only strings, numbers, booleans and null are supported");
      }
      args.put(e.getKey(), value);
    }
    return args;
  }

  /** A JSON string literal as Python's {@code json.dumps} writes it (ASCII only). */
  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  // ---------------------------------------------------------------- call form

  private Spec callForm() {
    skipSpaces();
    String name = identifier("a name", true);
    Map<String, Object> args = new LinkedHashMap<>();
    skipSpaces();
    if (peek() == '(') {
      pos++;
      skipSpaces();
      while (peek() != ')') {
        if (pos >= text.length()) {
          throw error("missing ')'");
        }
        String key = identifier("a key", false);
        skipSpaces();
        expect('=', "'=' after key '" + key + "'");
        skipSpaces();
        String value = value();
        if (args.containsKey(key)) {
          throw error("key '" + key + "' is given twice");
        }
        args.put(key, value);
        skipSpaces();
        if (peek() == ',') {
          pos++;
          skipSpaces();
        } else if (peek() != ')') {
          throw error("expected ',' or ')' after the value of '" + key + "'");
        }
      }
      pos++;
      skipSpaces();
    }
    if (pos < text.length()) {
      throw error("unexpected text after the spec");
    }
    return new Spec(name, args);
  }

  private String identifier(String expected, boolean allowDash) {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      boolean ok = Character.isLetter(c) || c == '_'
          || (pos > start && (Character.isDigit(c) || (allowDash && c == '-')));
      if (!ok) {
        break;
      }
      pos++;
    }
    if (pos == start) {
      throw error("expected " + expected);
    }
    return text.substring(start, pos);
  }

  /** A quoted string, or bare text up to a ',' or ')' outside brackets, stripped. */
  private String value() {
    char q = peek();
    if (q == '\'' || q == '"') {
      return quoted(q);
    }
    int start = pos;
    int depth = 0;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        if (depth == 0) {
          break;
        }
        depth--;
      } else if (c == ',' && depth == 0) {
        break;
      }
      pos++;
    }
    String v = text.substring(start, pos).strip();
    if (v.isEmpty()) {
      throw error("expected a value");
    }
    return v;
  }

  private String quoted(char q) {
    int start = pos++;
    StringBuilder sb = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == q) {
        return sb.toString();
      }
      if (c == '\\' && pos < text.length()) {
        c = text.charAt(pos++);
      }
      sb.append(c);
    }
    pos = start;
    throw error("unterminated string");
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void expect(char c, String expected) {
    if (peek() != c) {
      throw error("expected " + expected);
    }
    pos++;
  }

  private void skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException(what + " spec '" + text + "': " + message
        + " at position " + pos + " (forms: name, name(key=value, ...), "
        + "[\"name\", {\"key\": value}])");
  }
}
