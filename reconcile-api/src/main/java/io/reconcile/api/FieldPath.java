package io.reconcile.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed field path of a {@link Normalization} rule: field names separated by dots, each
 * optionally followed by {@code []} ("every element of the list this field holds"), e.g. {@code
 * meta.updatedAt} or {@code items[].price}. A name holding {@code .}, {@code [}, {@code ]} or
 * {@code \} writes each such character after a backslash ({@code a\.b} is the one field {@code
 * a.b}). Immutable.
 */
final class FieldPath {

  /**
   * One step of a path.
   *
   * @param name the field's name, unescaped
   * @param lists how many {@code []} follow it: 0 for the field itself, 1 for every element of the
   *     list it holds, 2 for every element of those elements, …
   */
  record Segment(String name, int lists) {}

  private final List<Segment> segments;
  private final String text;

  private FieldPath(List<Segment> segments) {
    this.segments = List.copyOf(segments);
    StringBuilder sb = new StringBuilder();
    for (Segment s : segments) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(escape(s.name())).append("[]".repeat(s.lists()));
    }
    this.text = sb.toString();
  }

  /** The path of one top-level field, whatever characters its name holds. */
  static FieldPath of(String name) {
    return new FieldPath(List.of(new Segment(name, 0)));
  }

  /**
   * Parses a path.
   *
   * @throws IllegalArgumentException naming the position, what was expected there and what was
   *     found, for an empty path or name, a lone or unknown escape, or brackets other than {@code []}
   *     right after a name
   */
  static FieldPath parse(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException(
          "a field path must not be empty; give a field name, or names separated by dots such as"
              + " 'meta.updatedAt'");
    }
    List<Segment> out = new ArrayList<>();
    int n = path.length();
    int i = 0;
    while (true) {
      StringBuilder name = new StringBuilder();
      while (i < n && path.charAt(i) != '.' && path.charAt(i) != '[' && path.charAt(i) != ']') {
        char c = path.charAt(i);
        if (c == '\\') {
          if (i + 1 == n) {
            throw bad(path, i, "ends in a lone '\\'; write a backslash that is part of a name as '\\\\'");
          }
          char next = path.charAt(i + 1);
          if (next != '\\' && next != '.' && next != '[' && next != ']') {
            throw bad(path, i, "has '\\" + next + "', but '\\' escapes only '.', '[', ']' and '\\'");
          }
          name.append(next);
          i += 2;
        } else {
          name.append(c);
          i++;
        }
      }
      if (name.length() == 0) {
        throw bad(path, i, "has an empty field name" + (i < n ? " before '" + path.charAt(i) + "'" : " at its end")
            + "; expected names separated by single dots, e.g. 'meta.updatedAt' or 'items[].price'");
      }
      int lists = 0;
      while (i < n && path.charAt(i) == '[') {
        if (i + 1 < n && path.charAt(i + 1) == ']') {
          lists++;
          i += 2;
        } else {
          throw bad(path, i, "has '[' not followed by ']'; '[]' means every element of a list (no index"
              + " goes inside), and a '[' that is part of a name is written '\\['");
        }
      }
      out.add(new Segment(name.toString(), lists));
      if (i == n) {
        return new FieldPath(out);
      }
      char c = path.charAt(i);
      if (c == ']') {
        throw bad(path, i, "has a ']' that closes no '['; a ']' that is part of a name is written '\\]'");
      }
      if (c != '.') {
        throw bad(path, i, "has '" + c + "' right after '[]', where '.', another '[]' or the end must follow");
      }
      i++;
    }
  }

  private static IllegalArgumentException bad(String path, int index, String problem) {
    return new IllegalArgumentException(
        "field path '" + path + "' " + problem + " (at character " + (index + 1) + ")");
  }

  private static String escape(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\\' || c == '.' || c == '[' || c == ']') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  List<Segment> segments() {
    return segments;
  }

  int size() {
    return segments.size();
  }

  /** The top-level field the path starts at. */
  String top() {
    return segments.get(0).name();
  }

  /** Whether the path is one top-level field, without {@code []}. */
  boolean isTopLevel() {
    return segments.size() == 1 && segments.get(0).lists() == 0;
  }

  /** Whether the path ends in a field name rather than in {@code []}. */
  boolean endsInName() {
    return segments.get(segments.size() - 1).lists() == 0;
  }

  /** Whether any step of the path reads list elements. */
  boolean readsLists() {
    return segments.stream().anyMatch(s -> s.lists() > 0);
  }

  /**
   * Whether this path is {@code field} or a path into its value: {@code field}'s steps are this
   * path's first steps, its last step's name matching whatever {@code []} follow it here. {@code
   * field} ends in a name.
   */
  boolean isWithin(FieldPath field) {
    if (field.size() > size()) {
      return false;
    }
    int last = field.size() - 1;
    for (int i = 0; i < last; i++) {
      if (!segments.get(i).equals(field.segments.get(i))) {
        return false;
      }
    }
    return segments.get(last).name().equals(field.segments.get(last).name());
  }

  /** The path of this path's first {@code count} steps, the last without its {@code []}. */
  FieldPath prefix(int count) {
    List<Segment> out = new ArrayList<>(segments.subList(0, count));
    out.set(count - 1, new Segment(out.get(count - 1).name(), 0));
    return new FieldPath(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldPath p && p.segments.equals(segments);
  }

  @Override
  public int hashCode() {
    return segments.hashCode();
  }

  /** The path in its canonical spelling: names escaped where needed. */
  @Override
  public String toString() {
    return text;
  }
}
