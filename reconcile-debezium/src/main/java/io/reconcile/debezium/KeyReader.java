package io.reconcile.debezium;

import io.reconcile.api.Key;
import io.reconcile.api.store.Schema;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.jspecify.annotations.Nullable;

/**
 * Turns the key of a Debezium change event (a Kafka Connect struct of the key columns) into the
 * {@link Key} that reconcile-jdbc's store returns for the same row: the parts in the store's key
 * order, each converted by the type the store's {@link Schema} gives it — integers as longs,
 * decimals (which the connector sends as text) as {@link BigDecimal}s, text as text ({@code
 * char(n)} without its pad spaces), UUIDs as {@link UUID}s (or their text, for a store that
 * compares them as text), binary as bytes.
 */
final class KeyReader {

  /** The parameter under which Debezium names a column's type when asked to propagate it. */
  static final String SOURCE_TYPE = "__debezium.source.column.type";

  private final List<String> names;
  private final List<Schema.Type> types;

  KeyReader(List<String> names, List<Schema.Type> types) {
    this.names = List.copyOf(names);
    this.types = List.copyOf(types);
  }

  /**
   * The key of this struct; {@code row}, the schema of the change's row, tells which text columns
   * are {@code char(n)} (the key's own schema does not carry the columns' source types).
   *
   * @throws IllegalArgumentException naming the column and the types (never a value) when a key
   *     column is missing, NULL or of a type that cannot give the store's key part
   */
  Key read(Struct key, org.apache.kafka.connect.data.@Nullable Schema row) {
    List<Object> parts = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      Field f = field(key.schema(), names.get(i));
      if (f == null) {
        throw new IllegalArgumentException("the change's key has no column '" + names.get(i) + "' (it has "
            + key.schema().fields().stream().map(Field::name).toList() + ")");
      }
      Object v = key.get(f);
      if (v == null) {
        throw new IllegalArgumentException("key column '" + f.name() + "' came without its value (NULL,"
            + " or a column outside the table's replica identity in a delete)");
      }
      Field described = row == null ? null : field(row, f.name());
      parts.add(part(f, v, types.get(i), described != null && isPadded(described)));
    }
    return Key.composite(parts);
  }

  /** The field named {@code name}, or failing that the one whose name differs only in case. */
  static @Nullable Field field(org.apache.kafka.connect.data.Schema struct, String name) {
    Field exact = struct.field(name);
    if (exact != null) {
      return exact;
    }
    for (Field f : struct.fields()) {
      if (f.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    return null;
  }

  private static Object part(Field f, Object v, Schema.Type type, boolean padded) {
    switch (type) {
      case NUMBER -> {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
          return ((Number) v).longValue();
        }
        if (v instanceof BigDecimal d) {
          return d;
        }
        if (v instanceof String s) {
          try {
            return new BigDecimal(s);
          } catch (NumberFormatException e) {
            throw mismatch(f, "a number that is not a finite decimal", type);
          }
        }
      }
      case TEXT -> {
        if (v instanceof String s) {
          return padded ? unpadded(s) : s;
        }
      }
      case UUID -> {
        if (v instanceof String s) {
          try {
            return UUID.fromString(s);
          } catch (IllegalArgumentException e) {
            throw mismatch(f, "text that is not a UUID", type);
          }
        }
      }
      case BYTES -> {
        if (v instanceof byte[] b) {
          return b;
        }
        if (v instanceof ByteBuffer b) {
          byte[] copy = new byte[b.remaining()];
          b.duplicate().get(copy);
          return copy;
        }
      }
      default -> throw new IllegalArgumentException("key column '" + f.name() + "' is of type " + type
          + ", which no key part holds");
    }
    throw mismatch(f, f.schema().type() + (f.schema().name() == null ? "" : " (" + f.schema().name() + ")"), type);
  }

  private static boolean isPadded(Field f) {
    String source = f.schema().parameters() == null ? null : f.schema().parameters().get(SOURCE_TYPE);
    return source != null && (source.equalsIgnoreCase("BPCHAR") || source.equalsIgnoreCase("CHAR"));
  }

  /** A {@code char(n)} value without its trailing pad spaces (U+0020 only), as reconcile-jdbc reads it. */
  private static String unpadded(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(0, end);
  }

  private static IllegalArgumentException mismatch(Field f, String found, Schema.Type expected) {
    return new IllegalArgumentException("key column '" + f.name() + "' came as " + found + ", but the store keys"
        + " it as " + expected);
  }
}
