package io.reconcile.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An immutable version vector: a map from node id to a positive counter, where a node that is
 * absent counts as 0.
 *
 * <p>Version vectors are partially ordered: {@code a} is {@linkplain Order#BEFORE before} {@code b}
 * when every counter of {@code a} is at most the matching counter of {@code b} and at least one is
 * smaller; two vectors neither of which is before the other and which are not equal are {@linkplain
 * Order#CONCURRENT concurrent} — they saw writes the other did not. {@link #merge} is the least
 * upper bound (pointwise maximum); {@link #increment} records one more write at a node.
 *
 * <p><b>Node ids</b> are 1 to {@value #MAX_NODE_ID_LENGTH} characters from {@code [A-Za-z0-9._-]}.
 * Being ASCII, they order the same way as {@link String#compareTo} and as unsigned bytes, so the
 * canonical forms below are the same whichever language produced them. <b>Counters</b> are from 1
 * to {@link Long#MAX_VALUE}; zero is never stored (an absent node already means 0).
 *
 * <p><b>Text form</b> ({@link #toText()}, {@link #parse(String)}): {@code {a:3,b:5}} — braces,
 * entries {@code node:counter} in ascending node order separated by commas, decimal counters
 * without sign or leading zeros, no whitespace; {@code {}} for the empty vector. Each vector has
 * exactly one text form, so texts may be compared for equality.
 *
 * <p><b>Binary form</b> ({@link #toBytes()}, {@link #fromBytes(byte[])}): the format version byte
 * {@code 0x01}, the entry count as an unsigned LEB128 varint, then per entry in ascending node
 * order the id length as a varint, the id as ASCII bytes, and the counter as a varint. Varints are
 * minimal (no redundant trailing {@code 0x80 .. 0x00} groups). Each vector has exactly one
 * encoding; a vector of n entries with short ids and small counters takes about {@code 2 + n * (2 +
 * id length)} bytes.
 *
 * <p>Instances are immutable and thread-safe; every operation that "changes" a vector returns a new
 * one. No method accepts or returns null. Nodes are held in a sorted array, so {@link #get} costs
 * O(log n) and {@link #merge}, {@link #compare} and the codecs cost O(n + m).
 */
public final class VersionVector {

  /** The longest node id accepted, in characters. */
  public static final int MAX_NODE_ID_LENGTH = 64;

  /** The first byte of every {@link #toBytes()} encoding. */
  static final byte FORMAT_VERSION = 1;

  private static final String NODE_ID_RULE =
      "1 to " + MAX_NODE_ID_LENGTH + " characters from [A-Za-z0-9._-]";

  private static final String TEXT_RULE =
      "write it as {node:counter,...} (e.g. {a:3,b:5}, or {} when empty) with no spaces, node ids"
          + " of "
          + NODE_ID_RULE
          + " in ascending order, each once, and counters from 1 to "
          + Long.MAX_VALUE
          + " without leading zeros";

  private static final String BYTES_ADVICE =
      "pass only bytes produced by VersionVector.toBytes(); the input is truncated, corrupted or"
          + " not a version vector";

  private static final String[] NO_NODES = new String[0];
  private static final long[] NO_COUNTERS = new long[0];
  private static final VersionVector EMPTY = new VersionVector(NO_NODES, NO_COUNTERS);

  /** How {@link #compare} relates one vector to another. */
  public enum Order {
    /** This vector happened before the other: every counter is at most the other's, one is less. */
    BEFORE,
    /** This vector happened after the other: every counter is at least the other's, one is more. */
    AFTER,
    /** The vectors are equal: every counter is the same. */
    EQUAL,
    /** Neither vector is before the other: each has a counter greater than the other's. */
    CONCURRENT
  }

  /** Valid node ids in strictly ascending order; never shared with callers. */
  private final String[] nodes;

  /** {@code counters[i]} belongs to {@code nodes[i]}; each is at least 1. */
  private final long[] counters;

  /** Cached hash; 0 means not yet computed (a benign race: all threads compute the same value). */
  private int hash;

  private VersionVector(String[] nodes, long[] counters) {
    this.nodes = nodes;
    this.counters = counters;
  }

  /**
   * The vector with no entries, before every other vector. Returns a shared instance; O(1).
   *
   * @return the empty vector, never null
   */
  public static VersionVector empty() {
    return EMPTY;
  }

  /**
   * A vector holding the given entries. The map is read once and not retained, so later changes to
   * it do not affect the vector. Costs O(n log n) for n entries.
   *
   * @param counters node id to counter; neither the map, its keys nor its values may be null
   * @return a vector with exactly those entries
   * @throws NullPointerException if the map, a key or a value is null
   * @throws IllegalArgumentException if a node id is not 1 to 64 characters from {@code
   *     [A-Za-z0-9._-]}, if a counter is less than 1 (leave the node out to mean 0), or if the map
   *     holds the same id twice (possible only with identity-based maps)
   */
  public static VersionVector of(Map<String, Long> counters) {
    Objects.requireNonNull(counters, "counters");
    // Read each key and value once into immutable entries, so a map that changes (or a mutable
    // entry) cannot slip an unvalidated value past the checks.
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counters.size());
    for (Map.Entry<String, Long> e : counters.entrySet()) {
      String node = Objects.requireNonNull(e.getKey(), "counters holds a null node id");
      Long counter =
          Objects.requireNonNull(e.getValue(), () -> "counters holds null for node " + quote(node));
      checkNodeId(node);
      if (counter < 1) {
        throw new IllegalArgumentException(
            "counter for node "
                + quote(node)
                + " must be at least 1, but found "
                + counter
                + "; leave the node out of the map to mean 0");
      }
      entries.add(Map.entry(node, counter));
    }
    if (entries.isEmpty()) {
      return EMPTY;
    }
    entries.sort(Map.Entry.comparingByKey());
    String[] n = new String[entries.size()];
    long[] c = new long[entries.size()];
    for (int i = 0; i < n.length; i++) {
      n[i] = entries.get(i).getKey();
      c[i] = entries.get(i).getValue();
      if (i > 0 && n[i].equals(n[i - 1])) {
        throw new IllegalArgumentException(
            "counters must hold each node id once, but found "
                + quote(n[i])
                + " twice; use a map with equals-based keys such as HashMap or TreeMap");
      }
    }
    return new VersionVector(n, c);
  }

  /**
   * The counter of a node: 0 if the node is absent, at least 1 otherwise. Costs O(log n).
   *
   * @param node a node id; an id that is not valid is simply absent
   * @return the counter, never negative
   * @throws NullPointerException if {@code node} is null
   */
  public long get(String node) {
    Objects.requireNonNull(node, "node");
    int i = Arrays.binarySearch(nodes, node);
    return i >= 0 ? counters[i] : 0L;
  }

  /**
   * The entries as an unmodifiable map that iterates in ascending node id order. Each call returns
   * a new map, a snapshot that costs O(n log n) time and O(n) memory to build; prefer {@link #get}
   * for single look-ups.
   *
   * @return node id to counter (each at least 1); empty for the empty vector, never null
   */
  public Map<String, Long> asMap() {
    TreeMap<String, Long> map = new TreeMap<>();
    for (int i = 0; i < nodes.length; i++) {
      map.put(nodes[i], counters[i]);
    }
    return Collections.unmodifiableSortedMap(map);
  }

  /**
   * Whether this vector has no entries, that is, equals {@link #empty()}. O(1).
   *
   * @return true if every counter is 0
   */
  public boolean isEmpty() {
    return nodes.length == 0;
  }

  /**
   * This vector with the counter of {@code node} one higher (an absent node goes to 1). The result
   * is always {@linkplain Order#AFTER after} this vector. Costs O(n).
   *
   * @param node the node that made a write
   * @return a new vector, never null
   * @throws NullPointerException if {@code node} is null
   * @throws IllegalArgumentException if {@code node} is not 1 to 64 characters from {@code
   *     [A-Za-z0-9._-]}
   * @throws ArithmeticException if the counter of {@code node} is already {@link Long#MAX_VALUE}
   */
  public VersionVector increment(String node) {
    checkNodeId(Objects.requireNonNull(node, "node"));
    int i = Arrays.binarySearch(nodes, node);
    if (i >= 0) {
      if (counters[i] == Long.MAX_VALUE) {
        throw new ArithmeticException(
            "cannot increment the counter of node "
                + quote(node)
                + ": it is already "
                + Long.MAX_VALUE
                + ", the largest counter a version vector holds; retire the node id and write"
                + " under a new one");
      }
      long[] c = counters.clone();
      c[i]++;
      return new VersionVector(nodes, c);
    }
    int at = -i - 1;
    String[] n = new String[nodes.length + 1];
    long[] c = new long[nodes.length + 1];
    System.arraycopy(nodes, 0, n, 0, at);
    System.arraycopy(counters, 0, c, 0, at);
    n[at] = node;
    c[at] = 1;
    System.arraycopy(nodes, at, n, at + 1, nodes.length - at);
    System.arraycopy(counters, at, c, at + 1, nodes.length - at);
    return new VersionVector(n, c);
  }

  /**
   * The pointwise maximum of this vector and {@code other}: the smallest vector that {@linkplain
   * #dominates dominates} both. Merge is commutative, associative and idempotent. Returns {@code
   * this} or {@code other} unchanged when one already dominates the other. Costs O(n + m).
   *
   * @param other the vector to merge with
   * @return the merged vector, never null
   * @throws NullPointerException if {@code other} is null
   */
  public VersionVector merge(VersionVector other) {
    Objects.requireNonNull(other, "other");
    String[] an = nodes;
    long[] ac = counters;
    String[] bn = other.nodes;
    long[] bc = other.counters;
    String[] n = new String[an.length + bn.length];
    long[] c = new long[n.length];
    boolean thisSuffices = true;
    boolean otherSuffices = true;
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < an.length && j < bn.length) {
      int cmp = an[i].compareTo(bn[j]);
      if (cmp < 0) {
        otherSuffices = false;
        n[k] = an[i];
        c[k++] = ac[i++];
      } else if (cmp > 0) {
        thisSuffices = false;
        n[k] = bn[j];
        c[k++] = bc[j++];
      } else {
        if (ac[i] < bc[j]) {
          thisSuffices = false;
        } else if (ac[i] > bc[j]) {
          otherSuffices = false;
        }
        n[k] = an[i];
        c[k++] = Math.max(ac[i++], bc[j++]);
      }
    }
    if (i < an.length) {
      otherSuffices = false;
    }
    if (j < bn.length) {
      thisSuffices = false;
    }
    if (thisSuffices) {
      return this;
    }
    if (otherSuffices) {
      return other;
    }
    for (; i < an.length; i++, k++) {
      n[k] = an[i];
      c[k] = ac[i];
    }
    for (; j < bn.length; j++, k++) {
      n[k] = bn[j];
      c[k] = bc[j];
    }
    return k == n.length
        ? new VersionVector(n, c)
        : new VersionVector(Arrays.copyOf(n, k), Arrays.copyOf(c, k));
  }

  /**
   * How this vector relates to {@code other}: {@link Order#BEFORE} if every counter here is at most
   * the other's and one is less, {@link Order#AFTER} for the reverse, {@link Order#EQUAL} if all
   * are the same, {@link Order#CONCURRENT} otherwise. {@code a.compare(b)} is {@code BEFORE}
   * exactly when {@code b.compare(a)} is {@code AFTER}. Costs O(n + m), less when concurrency shows
   * early.
   *
   * @param other the vector to compare with
   * @return the relation, never null
   * @throws NullPointerException if {@code other} is null
   */
  public Order compare(VersionVector other) {
    Objects.requireNonNull(other, "other");
    if (other == this) {
      return Order.EQUAL;
    }
    String[] an = nodes;
    long[] ac = counters;
    String[] bn = other.nodes;
    long[] bc = other.counters;
    boolean less = false;
    boolean greater = false;
    int i = 0;
    int j = 0;
    while (i < an.length && j < bn.length) {
      int cmp = an[i].compareTo(bn[j]);
      if (cmp < 0) {
        greater = true; // a node only this vector has: other's counter is 0
        i++;
      } else if (cmp > 0) {
        less = true;
        j++;
      } else {
        if (ac[i] < bc[j]) {
          less = true;
        } else if (ac[i] > bc[j]) {
          greater = true;
        }
        i++;
        j++;
      }
      if (less && greater) {
        return Order.CONCURRENT;
      }
    }
    greater |= i < an.length;
    less |= j < bn.length;
    if (less) {
      return greater ? Order.CONCURRENT : Order.BEFORE;
    }
    return greater ? Order.AFTER : Order.EQUAL;
  }

  /**
   * Whether this vector has seen everything {@code other} has: {@link #compare} is {@link
   * Order#AFTER} or {@link Order#EQUAL}. Costs O(n + m).
   *
   * @param other the vector to compare with
   * @return true if every counter here is at least the other's
   * @throws NullPointerException if {@code other} is null
   */
  public boolean dominates(VersionVector other) {
    Order order = compare(other);
    return order == Order.AFTER || order == Order.EQUAL;
  }

  // ---------------------------------------------------------------------------------------------
  // Text form

  /**
   * The canonical text form, such as {@code {a:3,b:5}} or {@code {}}; see the class description.
   * {@link #parse(String)} reads it back to an equal vector. Costs O(n).
   *
   * @return the text form, never null
   */
  public String toText() {
    StringBuilder sb = new StringBuilder(2 + nodes.length * 8);
    sb.append('{');
    for (int i = 0; i < nodes.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(nodes[i]).append(':').append(counters[i]);
    }
    return sb.append('}').toString();
  }

  /**
   * Reads the canonical text form written by {@link #toText()}. Parsing is strict so that each
   * vector has exactly one text: no whitespace, nodes in ascending order and each once, counters
   * from 1 to {@link Long#MAX_VALUE} without sign or leading zeros. Costs O(length).
   *
   * @param text the text form, such as {@code {a:3,b:5}}
   * @return the vector, never null
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException if {@code text} is not in the canonical form; the message
   *     gives the index of the first offending character, what was expected and what was found
   */
  public static VersionVector parse(String text) {
    Objects.requireNonNull(text, "text");
    int len = text.length();
    int pos = 0;
    if (pos >= len || text.charAt(pos) != '{') {
      throw textError(text, pos, "'{'");
    }
    pos++;
    if (pos < len && text.charAt(pos) == '}') {
      if (pos + 1 != len) {
        throw textError(text, pos + 1, "the end of the text after the closing '}'");
      }
      return EMPTY;
    }
    String[] n = new String[4];
    long[] c = new long[4];
    int size = 0;
    while (true) {
      int start = pos;
      while (pos < len && pos - start <= MAX_NODE_ID_LENGTH && isNodeIdChar(text.charAt(pos))) {
        pos++;
      }
      if (pos == start) {
        throw textError(text, pos, "a node id of " + NODE_ID_RULE);
      }
      if (pos - start > MAX_NODE_ID_LENGTH) {
        throw textError(
            text,
            start,
            "a node id of at most " + MAX_NODE_ID_LENGTH + " characters",
            "a longer one");
      }
      String node = text.substring(start, pos);
      if (size > 0) {
        int cmp = node.compareTo(n[size - 1]);
        if (cmp <= 0) {
          throw textError(
              text,
              start,
              "a node id after " + quote(n[size - 1]) + " in ascending order",
              cmp == 0 ? "the same node again, " + quote(node) : quote(node));
        }
      }
      if (pos >= len || text.charAt(pos) != ':') {
        throw textError(text, pos, "':' after node id " + quote(node));
      }
      pos++;
      int digitsStart = pos;
      if (pos >= len || text.charAt(pos) < '1' || text.charAt(pos) > '9') {
        throw textError(
            text, pos, "a counter from 1 to " + Long.MAX_VALUE + " without sign or leading zeros");
      }
      long counter = 0;
      while (pos < len && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
        int digit = text.charAt(pos) - '0';
        if (counter > (Long.MAX_VALUE - digit) / 10) {
          throw textError(
              text,
              digitsStart,
              "a counter of at most " + Long.MAX_VALUE,
              "a larger number");
        }
        counter = counter * 10 + digit;
        pos++;
      }
      if (size == n.length) {
        n = Arrays.copyOf(n, size * 2);
        c = Arrays.copyOf(c, size * 2);
      }
      n[size] = node;
      c[size++] = counter;
      if (pos < len && text.charAt(pos) == ',') {
        pos++;
        continue;
      }
      if (pos < len && text.charAt(pos) == '}') {
        pos++;
        if (pos != len) {
          throw textError(text, pos, "the end of the text after the closing '}'");
        }
        break;
      }
      throw textError(text, pos, "',' or '}' after the counter of node " + quote(node));
    }
    return new VersionVector(Arrays.copyOf(n, size), Arrays.copyOf(c, size));
  }

  private static IllegalArgumentException textError(String text, int pos, String expected) {
    String found =
        pos >= text.length() ? "the end of the text" : quoteChar(text.charAt(pos));
    return textError(text, pos, expected, found);
  }

  private static IllegalArgumentException textError(
      String text, int pos, String expected, String found) {
    return new IllegalArgumentException(
        "cannot parse version vector "
            + quote(text)
            + ": at index "
            + pos
            + " expected "
            + expected
            + " but found "
            + found
            + "; "
            + TEXT_RULE);
  }

  // ---------------------------------------------------------------------------------------------
  // Binary form

  /**
   * The canonical binary form; see the class description. {@link #fromBytes(byte[])} reads it back
   * to an equal vector. Costs O(n); the array is new on each call and belongs to the caller.
   *
   * @return the encoding, never null and at least 2 bytes long
   */
  public byte[] toBytes() {
    int size = 1 + varintSize(nodes.length);
    for (int i = 0; i < nodes.length; i++) {
      size += varintSize(nodes[i].length()) + nodes[i].length() + varintSize(counters[i]);
    }
    byte[] out = new byte[size];
    out[0] = FORMAT_VERSION;
    int pos = writeVarint(out, 1, nodes.length);
    for (int i = 0; i < nodes.length; i++) {
      String node = nodes[i];
      pos = writeVarint(out, pos, node.length());
      for (int k = 0; k < node.length(); k++) {
        out[pos++] = (byte) node.charAt(k); // node ids are ASCII
      }
      pos = writeVarint(out, pos, counters[i]);
    }
    return out;
  }

  /**
   * Reads the binary form written by {@link #toBytes()}. Decoding is strict: the input must be one
   * canonical encoding and nothing else. The array is not retained. Costs O(length).
   *
   * @param bytes the encoding
   * @return the vector, never null
   * @throws NullPointerException if {@code bytes} is null
   * @throws IllegalArgumentException if the input is empty or truncated, has trailing bytes, starts
   *     with a format version other than 1, has a varint that is not minimal or too large, a node
   *     id that is not valid or not in strictly ascending order, or a zero counter; the message
   *     gives the byte offset, what was expected and what was found
   */
  public static VersionVector fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0) {
      throw bytesError(0, "format version byte 0x01", "no bytes at all");
    }
    if (bytes[0] != FORMAT_VERSION) {
      throw bytesError(0, "format version byte 0x01", String.format("0x%02x", bytes[0] & 0xFF));
    }
    Reader in = new Reader(bytes, 1);
    // Each entry takes at least 3 bytes, which bounds the count before anything is allocated.
    long count = in.varint("an entry count", (bytes.length - in.pos) / 3);
    if (count == 0) {
      in.expectEnd();
      return EMPTY;
    }
    String[] n = new String[(int) count];
    long[] c = new long[(int) count];
    for (int i = 0; i < count; i++) {
      int lengthAt = in.pos;
      int length = (int) in.varint("the length of node id " + i, MAX_NODE_ID_LENGTH);
      if (length == 0) {
        throw bytesError(lengthAt, "a node id length from 1 to " + MAX_NODE_ID_LENGTH, "0");
      }
      int idAt = in.pos;
      if (bytes.length - idAt < length) {
        throw bytesError(
            bytes.length,
            "the remaining " + (length - (bytes.length - idAt)) + " bytes of node id " + i,
            "the end of the input");
      }
      for (int k = idAt; k < idAt + length; k++) {
        if (!isNodeIdChar((char) (bytes[k] & 0xFF))) {
          throw bytesError(
              k,
              "a node id byte from [A-Za-z0-9._-]",
              String.format("0x%02x", bytes[k] & 0xFF));
        }
      }
      String node = new String(bytes, idAt, length, StandardCharsets.US_ASCII);
      in.pos += length;
      if (i > 0 && node.compareTo(n[i - 1]) <= 0) {
        throw bytesError(
            idAt,
            "a node id after " + quote(n[i - 1]) + " in ascending order",
            node.equals(n[i - 1]) ? "the same node again" : quote(node));
      }
      int counterAt = in.pos;
      long counter = in.varint("the counter of node " + quote(node), Long.MAX_VALUE);
      if (counter == 0) {
        throw bytesError(counterAt, "a counter of at least 1 for node " + quote(node), "0");
      }
      n[i] = node;
      c[i] = counter;
    }
    in.expectEnd();
    return new VersionVector(n, c);
  }

  private static int varintSize(long value) {
    int size = 1;
    while ((value >>>= 7) != 0) {
      size++;
    }
    return size;
  }

  private static int writeVarint(byte[] out, int pos, long value) {
    while ((value & ~0x7FL) != 0) {
      out[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[pos++] = (byte) value;
    return pos;
  }

  private static IllegalArgumentException bytesError(int offset, String expected, String found) {
    return new IllegalArgumentException(
        "cannot decode version vector bytes: at offset "
            + offset
            + " expected "
            + expected
            + " but found "
            + found
            + "; "
            + BYTES_ADVICE);
  }

  /** A cursor over an encoding; every read is bounds-checked and reports precise errors. */
  private static final class Reader {
    private final byte[] bytes;
    private int pos;

    Reader(byte[] bytes, int pos) {
      this.bytes = bytes;
      this.pos = pos;
    }

    /** Reads a minimal unsigned LEB128 varint no larger than {@code max} (at most 63 bits). */
    long varint(String what, long max) {
      int start = pos;
      long value = 0;
      int shift = 0;
      while (true) {
        if (pos >= bytes.length) {
          throw bytesError(pos, "more bytes of " + what + " (a varint)", "the end of the input");
        }
        int b = bytes[pos++] & 0xFF;
        if (shift == 63 || (shift == 56 && (b & 0x80) != 0)) {
          // A tenth byte, or a ninth byte that continues, would need more than 63 bits.
          throw bytesError(start, what + " of at most " + max, "a varint of more than 63 bits");
        }
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          if (b == 0 && pos - start > 1) {
            throw bytesError(
                start,
                "a minimal varint for " + what,
                "an overlong one of " + (pos - start) + " bytes");
          }
          break;
        }
        shift += 7;
      }
      if (value > max) {
        throw bytesError(start, what + " of at most " + max, Long.toString(value));
      }
      return value;
    }

    void expectEnd() {
      if (pos != bytes.length) {
        throw bytesError(
            pos, "the end of the input", (bytes.length - pos) + " trailing byte(s)");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Validation and object methods

  private static boolean isNodeIdChar(char ch) {
    return (ch >= 'a' && ch <= 'z')
        || (ch >= 'A' && ch <= 'Z')
        || (ch >= '0' && ch <= '9')
        || ch == '.'
        || ch == '_'
        || ch == '-';
  }

  private static void checkNodeId(String node) {
    int len = node.length();
    if (len == 0 || len > MAX_NODE_ID_LENGTH) {
      throw new IllegalArgumentException(
          "node id must be "
              + NODE_ID_RULE
              + ", but found "
              + (len == 0 ? "an empty id" : "one of " + len + " characters, " + quote(node))
              + "; use a shorter, stable name for the node such as its host or replica name");
    }
    for (int i = 0; i < len; i++) {
      char ch = node.charAt(i);
      if (!isNodeIdChar(ch)) {
        throw new IllegalArgumentException(
            "node id must be "
                + NODE_ID_RULE
                + ", but found "
                + quote(node)
                + " with "
                + quoteChar(ch)
                + " at index "
                + i
                + "; replace other characters, e.g. with '-' or '_'");
      }
    }
  }

  /** Quotes user text for a message: escapes non-printable characters, shortens long text. */
  private static String quote(String s) {
    int limit = 80;
    StringBuilder sb = new StringBuilder(Math.min(s.length(), limit) + 16).append('"');
    for (int i = 0; i < s.length() && i < limit; i++) {
      appendEscaped(sb, s.charAt(i));
    }
    if (s.length() > limit) {
      sb.append("...(").append(s.length()).append(" characters)");
    }
    return sb.append('"').toString();
  }

  private static String quoteChar(char ch) {
    StringBuilder sb = new StringBuilder(8).append('\'');
    appendEscaped(sb, ch);
    return sb.append('\'').toString();
  }

  private static void appendEscaped(StringBuilder sb, char ch) {
    if (ch >= 0x20 && ch < 0x7F && ch != '"' && ch != '\\' && ch != '\'') {
      sb.append(ch);
    } else {
      sb.append(String.format("\\u%04x", (int) ch));
    }
  }

  /**
   * Whether {@code obj} is a version vector with exactly the same entries. Consistent with {@link
   * #compare} returning {@link Order#EQUAL}. Costs O(n).
   */
  @Override
  public boolean equals(@Nullable Object obj) {
    if (this == obj) {
      return true;
    }
    return obj instanceof VersionVector
        && Arrays.equals(counters, ((VersionVector) obj).counters)
        && Arrays.equals(nodes, ((VersionVector) obj).nodes);
  }

  /** A hash of the entries, consistent with {@link #equals}; computed once, then O(1). */
  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = 31 * Arrays.hashCode(nodes) + Arrays.hashCode(counters);
      hash = h;
    }
    return h;
  }

  /**
   * A description for logs and debugging, {@code VersionVector{a:3,b:5}}. Use {@link #toText()}
   * for the stable, parseable form. Costs O(n).
   */
  @Override
  public String toString() {
    return "VersionVector" + toText();
  }
}
