package io.reconcile.testkit;

import io.reconcile.api.Key;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The shapes of key the {@link StoreCompatibilityKit} runs its tests with; a store declares those
 * it holds with {@link StoreCompatibilityKit#keyShapes()}. Whatever the shape, the kit's entries
 * have the same three fields (see the kit's class description), and each shape's keys are chosen so
 * that a store ordering, bounding or storing them otherwise than {@link Key} does fails.
 *
 * <p>{@link #createTableSql()} gives the table a SQL store opens for each shape, in standard SQL
 * that H2 and MariaDB take as it is; PostgreSQL has no {@code BINARY(12)} and takes {@code BYTEA}
 * in its place. Text key columns must order by code point (see {@link Key}); a store over a
 * database with another collation compares them as bytes or in a byte-order collation.
 */
public enum KeyShape {

  /**
   * A single {@code long} part, from {@link Long#MIN_VALUE} to {@link Long#MAX_VALUE}. In SQL:
   * {@code id BIGINT PRIMARY KEY}.
   */
  LONG("id BIGINT", "id"),

  /**
   * A single text part of up to 120 code points: the empty text, ASCII, accented letters (two bytes
   * of UTF-8), U+FF5A (above the surrogates in UTF-16, so Java's {@link String#compareTo} orders it
   * after an emoji, where {@link Key} orders it before), emoji, and one long text; no key ends in a
   * space, and no two differ only by letter case or accents. In SQL: {@code id VARCHAR(200) PRIMARY
   * KEY}.
   */
  TEXT("id VARCHAR(200)", "id"),

  /**
   * A composite key: a {@code long} part, then a text part (the empty text, ASCII, U+FF5A or an
   * emoji), several keys sharing the same {@code long} part, whose text parts then decide their
   * order; its least and greatest keys have the {@code long} parts {@link Long#MIN_VALUE} and {@link
   * Long#MAX_VALUE}. In SQL: {@code id BIGINT, tag VARCHAR(200), PRIMARY KEY (id, tag)}.
   */
  LONG_AND_TEXT("id BIGINT, tag VARCHAR(200)", "id, tag"),

  /**
   * A single part of 12 bytes, as a MongoDB ObjectId: twelve zero bytes, twelve 0xFF bytes, and ids
   * whose bytes at or above 0x80 decide their order (so comparing bytes as signed fails). In SQL:
   * {@code id BINARY(12) PRIMARY KEY} ({@code BYTEA} in PostgreSQL).
   */
  OBJECT_ID("id BINARY(12)", "id");

  /** The text bands of {@link #TEXT}, in code point order; Java's String order puts the last first. */
  private static final String NEGATIVE = "a";
  private static final String SMALL = "é";
  private static final String HUNDREDS = "\uFF5A";
  private static final String THOUSANDS = "\uD83D\uDE00";

  /** The first four bytes of every {@link #OBJECT_ID} but the least and the greatest. */
  private static final byte[] OBJECT_ID_PREFIX = {0x65, 0x3A, 0x0B, (byte) 0xF0};

  private final String keyColumns;
  private final String primaryKey;

  KeyShape(String keyColumns, String primaryKey) {
    this.keyColumns = keyColumns;
    this.primaryKey = primaryKey;
  }

  /**
   * The statement that creates the kit's table {@code kit} with this shape's key columns and the
   * kit's fields, e.g. for {@link #LONG_AND_TEXT}: {@code CREATE TABLE kit (id BIGINT, tag
   * VARCHAR(200), name VARCHAR(200), amount DECIMAL(18,2), active BOOLEAN, PRIMARY KEY (id, tag))}.
   * For {@link #LONG} it is the table the kit has always used.
   */
  public String createTableSql() {
    return "CREATE TABLE kit (" + keyColumns + ", name VARCHAR(200), amount DECIMAL(18,2), active BOOLEAN, PRIMARY KEY ("
        + primaryKey + "))";
  }

  /**
   * The key of this shape that the kit writes for the number {@code n}: strictly increasing in
   * {@code n}, so tests pick keys, gaps between them and bounds by number whatever the shape. {@link
   * Long#MIN_VALUE} and {@link Long#MAX_VALUE} give the shape's extreme keys.
   */
  Key key(long n) {
    return switch (this) {
      case LONG -> Key.of(n);
      case TEXT -> Key.of(text(n));
      case LONG_AND_TEXT -> longAndText(n);
      case OBJECT_ID -> Key.ofBytes(objectId(n));
    };
  }

  /** The empty text first, then a band by size of {@code n} and its 19 digits, a long text last. */
  private static String text(long n) {
    if (n == Long.MIN_VALUE) {
      return "";
    }
    String band = n < 0 ? NEGATIVE : n < 100 ? SMALL : n < 1_000 ? HUNDREDS : THOUSANDS;
    String digits = String.format("%019d", n < 0 ? n - Long.MIN_VALUE : n);
    return n == Long.MAX_VALUE ? band + digits + " and a long text: " + "ü".repeat(80) : band + digits;
  }

  /** Four keys per {@code long} part, told apart by their text parts. */
  private static Key longAndText(long n) {
    if (n == Long.MIN_VALUE || n == Long.MAX_VALUE) {
      return Key.of(n, n == Long.MIN_VALUE ? "" : THOUSANDS);
    }
    String[] tags = {"", "a", HUNDREDS, THOUSANDS};
    return Key.of(Math.floorDiv(n, 4), tags[(int) Math.floorMod(n, 4)]);
  }

  /** All zeros, then a fixed prefix and {@code n} as unsigned (sign bit flipped), then all 0xFF. */
  private static byte[] objectId(long n) {
    byte[] id = new byte[12];
    if (n == Long.MIN_VALUE || n == Long.MAX_VALUE) {
      Arrays.fill(id, n == Long.MIN_VALUE ? 0 : (byte) 0xFF);
      return id;
    }
    return ByteBuffer.wrap(id).put(OBJECT_ID_PREFIX).putLong(n ^ Long.MIN_VALUE).array();
  }
}
