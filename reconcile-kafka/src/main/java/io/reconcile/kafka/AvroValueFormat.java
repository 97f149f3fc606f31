package io.reconcile.kafka;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.Value;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;

/**
 * {@link ValueFormat#avro}: a record value is the binary encoding of one record of the schema.
 * Reading and writing walk the schema along with the bytes or the fields, so that a union's branch
 * and a logical type are always the schema's, never guessed from a value. Errors name the field by
 * its path ({@code customer.address.city}, {@code items[2]}, {@code attributes[*]} for a map's
 * values, whose keys are data) and never hold a value.
 *
 * <p>Apache Avro is an optional dependency: apart from the signature of {@link ValueFormat#avro},
 * only this class names its types, and it is loaded only when an Avro format is made.
 */
final class AvroValueFormat implements ValueFormats.Documents {

  private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();
  private static final Conversions.BigDecimalConversion BIG_DECIMALS = new Conversions.BigDecimalConversion();

  private final Schema schema;
  private final String name;

  AvroValueFormat(Schema schema) {
    Objects.requireNonNull(schema, "schema");
    if (schema.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException("an Avro value format needs a record schema, the schema of the record"
          + " values, but was given " + describe(schema));
    }
    this.schema = schema;
    this.name = "avro(" + schema.getFullName() + "@" + fingerprint(schema) + ")";
  }

  /**
   * The format of the schema in an {@code .avsc} file.
   *
   * @throws ConfigurationException if the file cannot be read, is not an Avro schema, or not a
   *     record's, naming the file
   */
  static AvroValueFormat ofSchemaFile(Path file) {
    String json;
    try {
      json = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigurationException("the Avro schema file " + file + " could not be read ("
          + e.getClass().getSimpleName() + "); give the path of an .avsc file");
    }
    try {
      return new AvroValueFormat(new Schema.Parser().parse(json));
    } catch (SchemaParseException e) {
      throw new ConfigurationException("the file " + file + " is not an Avro schema: " + firstLine(e.getMessage()));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("the Avro schema in " + file + " cannot be used: " + e.getMessage());
    }
  }

  @Override
  public Value.MapValue read(byte[] recordValue) {
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(recordValue, null);
    try {
      Value.MapValue fields = readRecord(schema, in);
      if (!in.isEnd()) {
        throw notOneRecord("it goes on after the record ends");
      }
      return fields;
    } catch (Unreadable e) {
      throw notOneRecord(e.field.isEmpty() ? e.reason : e.reason + ", in field " + e.field);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: a decoder over an array only runs out (EOFException)
    }
  }

  @Override
  public byte[] write(Value.MapValue fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writeRecord(schema, fields, "", enc);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the encoder writes to memory
    }
    return out.toByteArray();
  }

  @Override
  public boolean holds(String field) {
    return schema.getField(field) != null;
  }

  @Override
  public void check(Value.MapValue fields) {
    BinaryEncoder scratch = EncoderFactory.get().directBinaryEncoder(OutputStream.nullOutputStream(), null);
    checkNoExtraFields(schema, fields, "");
    try {
      for (Map.Entry<String, Value> f : fields.fields().entrySet()) {
        write(schema.getField(f.getKey()).schema(), f.getValue(), f.getKey(), scratch);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the encoder writes nowhere
    }
  }

  /** {@code avro(NAME@FINGERPRINT)}: the record's full name and a fingerprint of the whole schema. */
  @Override
  public String toString() {
    return name;
  }

  // ---- reading ----

  private Value.MapValue readRecord(Schema record, BinaryDecoder in) throws Unreadable {
    Map<String, Value> fields = new HashMap<>();
    for (Schema.Field f : record.getFields()) {
      fields.put(f.name(), readInside(f.schema(), in, f.name()));
    }
    return Value.MapValue.of(fields);
  }

  /** Reads a value inside a record, array or map, so that an error says where it happened. */
  private Value readInside(Schema s, BinaryDecoder in, String place) throws Unreadable {
    try {
      return read(s, in);
    } catch (Unreadable e) {
      throw e.inside(place);
    } catch (EOFException e) {
      throw new Unreadable("it ends before the record does").inside(place);
    } catch (IOException e) {
      throw new Unreadable("it holds a malformed number").inside(place); // a varint of too many bytes
    } catch (AvroRuntimeException | UnsupportedOperationException e) {
      // A negative length, or one beyond what a JVM can hold: Avro's message would say the number.
      throw new Unreadable("it holds a length that no value has").inside(place);
    }
  }

  private Value read(Schema s, BinaryDecoder in) throws IOException, Unreadable {
    String logical = logicalName(s);
    return switch (s.getType()) {
      case NULL -> Value.ofNull();
      case BOOLEAN -> Value.of(in.readBoolean());
      case INT -> {
        int n = in.readInt();
        yield logical.equals("date") ? Value.of(LocalDate.ofEpochDay(n)) : Value.of(n);
      }
      case LONG -> {
        long n = in.readLong();
        ChronoUnit unit = timestampUnit(logical);
        yield unit == null ? Value.of(n) : Value.of(Instant.EPOCH.plus(n, unit));
      }
      case FLOAT -> Value.from(in.readFloat());
      case DOUBLE -> Value.of(in.readDouble());
      case STRING -> {
        String text = utf8(in.readBytes(null));
        yield logical.equals("uuid") ? Value.of(uuid(text)) : Value.of(text);
      }
      case BYTES -> {
        ByteBuffer bytes = in.readBytes(null);
        yield switch (logical) {
          case "decimal" -> Value.of(decimal(bytes, s));
          case "big-decimal" -> Value.of(bigDecimal(bytes));
          default -> Value.ofBytes(bytes.array());
        };
      }
      case FIXED -> {
        byte[] bytes = new byte[s.getFixedSize()];
        in.readFixed(bytes);
        yield switch (logical) {
          case "decimal" -> Value.of(decimal(ByteBuffer.wrap(bytes), s));
          case "uuid" -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            yield Value.of(new UUID(b.getLong(), b.getLong()));
          }
          default -> Value.ofBytes(bytes);
        };
      }
      case ENUM -> {
        int i = in.readEnum();
        if (i < 0 || i >= s.getEnumSymbols().size()) {
          throw new Unreadable("it holds a symbol index that enum " + s.getFullName() + " lacks");
        }
        yield Value.of(s.getEnumSymbols().get(i));
      }
      case ARRAY -> {
        List<Value> items = new ArrayList<>();
        for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
          for (long i = 0; i < n; i++) {
            items.add(readInside(s.getElementType(), in, "[" + items.size() + "]"));
          }
        }
        yield new Value.ListValue(items);
      }
      case MAP -> {
        Map<String, Value> entries = new HashMap<>();
        for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
          for (long i = 0; i < n; i++) {
            String key = utf8(in.readBytes(null));
            entries.put(key, readInside(s.getValueType(), in, "[*]"));
          }
        }
        yield Value.MapValue.of(entries);
      }
      case UNION -> {
        int i = in.readIndex();
        if (i < 0 || i >= s.getTypes().size()) {
          throw new Unreadable("it holds a branch index that " + describe(s) + " lacks");
        }
        yield read(s.getTypes().get(i), in);
      }
      case RECORD -> readRecord(s, in);
    };
  }

  private static String utf8(ByteBuffer bytes) throws Unreadable {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw new Unreadable("it holds a string that is not UTF-8");
    }
  }

  private static UUID uuid(String text) throws Unreadable {
    try {
      if (text.length() == 36) { // UUID.fromString also takes shortened forms ("1-1-1-1-1")
        return UUID.fromString(text);
      }
    } catch (IllegalArgumentException e) {
      // said below
    }
    throw new Unreadable("it holds a uuid string that is not a UUID");
  }

  private static BigDecimal decimal(ByteBuffer unscaled, Schema s) throws Unreadable {
    if (!unscaled.hasRemaining()) {
      throw new Unreadable("it holds a decimal of no bytes");
    }
    return DECIMALS.fromBytes(unscaled, s, s.getLogicalType());
  }

  /** A big-decimal: its bytes hold the unscaled value (bytes) and then the scale (an int). */
  private static BigDecimal bigDecimal(ByteBuffer bytes) throws Unreadable {
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes.array(), bytes.arrayOffset(), bytes.remaining(), null);
    try {
      ByteBuffer unscaled = in.readBytes(null);
      int scale = in.readInt();
      if (unscaled.hasRemaining() && in.isEnd()) {
        return new BigDecimal(new BigInteger(unscaled.array()), scale);
      }
    } catch (IOException | AvroRuntimeException e) {
      // said below
    }
    throw new Unreadable("it holds a big-decimal that is not one");
  }

  private IllegalArgumentException notOneRecord(String why) {
    return new IllegalArgumentException("the binary encoding of one Avro record " + schema.getFullName()
        + " (no header, no schema id) was expected as the record value, but " + why);
  }

  /** Why bytes are not a record of the schema, and the field where reading stopped. */
  private static final class Unreadable extends Exception {
    private final String reason;
    private final String field;

    Unreadable(String reason) {
      this(reason, "");
    }

    private Unreadable(String reason, String field) {
      super(null, null, false, false);
      this.reason = reason;
      this.field = field;
    }

    Unreadable inside(String place) {
      return new Unreadable(reason, field.isEmpty() ? place : join(place, field));
    }
  }

  // ---- writing ----

  private void writeRecord(Schema record, Value.MapValue fields, String path, BinaryEncoder enc) throws IOException {
    checkNoExtraFields(record, fields, path);
    for (Schema.Field f : record.getFields()) {
      Value v = fields.fields().get(f.name());
      String at = join(path, f.name());
      if (v != null) {
        write(f.schema(), v, at, enc);
      } else if (f.hasDefaultValue()) {
        new GenericDatumWriter<>(f.schema(), GenericData.get()).write(GenericData.get().getDefaultValue(f), enc);
      } else {
        throw new IllegalArgumentException("field " + at + " of Avro record " + record.getFullName()
            + " is missing, and the schema gives it no default");
      }
    }
  }

  private static void checkNoExtraFields(Schema record, Value.MapValue fields, String path) {
    for (String name : fields.fields().keySet()) {
      if (record.getField(name) == null) {
        throw new IllegalArgumentException("field " + join(path, name) + " is not in Avro record "
            + record.getFullName() + ", so a record value cannot hold it");
      }
    }
  }

  private void write(Schema s, Value v, String path, BinaryEncoder enc) throws IOException {
    String logical = logicalName(s);
    switch (s.getType()) {
      case NULL -> {
        expect(v instanceof Value.Null, s, v, path);
        enc.writeNull();
      }
      case BOOLEAN -> {
        expect(v instanceof Value.Bool, s, v, path);
        enc.writeBoolean(((Value.Bool) v).value());
      }
      case INT -> {
        if (logical.equals("date")) {
          expect(v instanceof Value.Date, s, v, path);
          long day = ((Value.Date) v).value().toEpochDay();
          if (day != (int) day) {
            throw refused(s, path, "the date given is out of its range");
          }
          enc.writeInt((int) day);
        } else {
          expect(v instanceof Value.Num, s, v, path);
          enc.writeInt((int) integer((Value.Num) v, s, path));
        }
      }
      case LONG -> {
        ChronoUnit unit = timestampUnit(logical);
        if (unit != null) {
          expect(v instanceof Value.Timestamp, s, v, path);
          enc.writeLong(units(((Value.Timestamp) v).value(), unit, s, path));
        } else {
          expect(v instanceof Value.Num, s, v, path);
          enc.writeLong(integer((Value.Num) v, s, path));
        }
      }
      case FLOAT -> enc.writeFloat((float) floating(s, v, path, true));
      case DOUBLE -> enc.writeDouble(floating(s, v, path, false));
      case STRING -> {
        if (logical.equals("uuid")) {
          expect(v instanceof Value.Uuid, s, v, path);
          enc.writeString(((Value.Uuid) v).value().toString());
        } else {
          expect(v instanceof Value.Text, s, v, path);
          enc.writeString(new Utf8(utf8(((Value.Text) v).value(), s, path)));
        }
      }
      case BYTES -> {
        switch (logical) {
          case "decimal" -> enc.writeBytes(DECIMALS.toBytes(decimal(s, v, path), s, s.getLogicalType()));
          case "big-decimal" -> {
            expect(v instanceof Value.Num, s, v, path);
            enc.writeBytes(BIG_DECIMALS.toBytes(((Value.Num) v).decimal(), s, s.getLogicalType()));
          }
          default -> {
            expect(v instanceof Value.Bytes, s, v, path);
            enc.writeBytes(((Value.Bytes) v).value());
          }
        }
      }
      case FIXED -> {
        switch (logical) {
          case "decimal" -> enc.writeFixed(DECIMALS.toFixed(decimal(s, v, path), s, s.getLogicalType()).bytes());
          case "uuid" -> {
            expect(v instanceof Value.Uuid, s, v, path);
            UUID u = ((Value.Uuid) v).value();
            enc.writeFixed(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
          }
          default -> {
            expect(v instanceof Value.Bytes, s, v, path);
            byte[] bytes = ((Value.Bytes) v).value();
            if (bytes.length != s.getFixedSize()) {
              throw refused(s, path, "the bytes given are of another length");
            }
            enc.writeFixed(bytes);
          }
        }
      }
      case ENUM -> {
        expect(v instanceof Value.Text, s, v, path);
        String symbol = ((Value.Text) v).value();
        if (!s.hasEnumSymbol(symbol)) {
          throw refused(s, path, "the text given is not one of its symbols " + s.getEnumSymbols());
        }
        enc.writeEnum(s.getEnumOrdinal(symbol));
      }
      case ARRAY -> {
        expect(v instanceof Value.ListValue, s, v, path);
        List<Value> items = ((Value.ListValue) v).values();
        enc.writeArrayStart();
        enc.setItemCount(items.size());
        for (int i = 0; i < items.size(); i++) {
          enc.startItem();
          write(s.getElementType(), items.get(i), path + "[" + i + "]", enc);
        }
        enc.writeArrayEnd();
      }
      case MAP -> {
        expect(v instanceof Value.MapValue, s, v, path);
        Map<String, Value> entries = ((Value.MapValue) v).fields();
        enc.writeMapStart();
        enc.setItemCount(entries.size());
        for (Map.Entry<String, Value> e : entries.entrySet()) {
          enc.startItem();
          enc.writeString(new Utf8(utf8(e.getKey(), s, path)));
          write(s.getValueType(), e.getValue(), path + "[*]", enc);
        }
        enc.writeMapEnd();
      }
      case UNION -> writeUnion(s, v, path, enc);
      case RECORD -> {
        expect(v instanceof Value.MapValue, s, v, path);
        writeRecord(s, (Value.MapValue) v, path, enc);
      }
    }
  }

  /** The first branch that takes the value: null to the null branch, else each other in order. */
  private void writeUnion(Schema union, Value v, String path, BinaryEncoder enc) throws IOException {
    List<Schema> branches = union.getTypes();
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < branches.size(); i++) {
      if ((branches.get(i).getType() == Schema.Type.NULL) == (v instanceof Value.Null)) {
        candidates.add(i);
      }
    }
    if (candidates.size() == 1) { // a nullable field's one other branch says itself why it refuses
      enc.writeIndex(candidates.get(0));
      write(branches.get(candidates.get(0)), v, path, enc);
      return;
    }
    for (int i : candidates) {
      ByteArrayOutputStream branch = new ByteArrayOutputStream();
      try {
        write(branches.get(i), v, path, EncoderFactory.get().directBinaryEncoder(branch, null));
      } catch (IllegalArgumentException refused) {
        continue;
      }
      enc.writeIndex(i);
      enc.writeFixed(branch.toByteArray());
      return;
    }
    throw refused(union, path, "none of its branches takes the value given (" + kind(v) + ")");
  }

  /** The number at the decimal's scale; refused when that would round it or it has too many digits. */
  private static BigDecimal decimal(Schema s, Value v, String path) {
    expect(v instanceof Value.Num, s, v, path);
    LogicalTypes.Decimal d = (LogicalTypes.Decimal) s.getLogicalType();
    // Stripped first, so that no number (1E+100000) is scaled before it is known to fit.
    BigDecimal n = ((Value.Num) v).decimal().stripTrailingZeros();
    if (n.signum() == 0) {
      return BigDecimal.ZERO.setScale(d.getScale());
    }
    if (n.scale() > d.getScale()) {
      throw refused(s, path, "the number given has more than " + d.getScale() + " fractional digits");
    }
    if (n.precision() - n.scale() > d.getPrecision() - d.getScale()) {
      throw refused(s, path, "the number given has more than " + (d.getPrecision() - d.getScale())
          + " digits before the point");
    }
    return n.setScale(d.getScale());
  }

  /** The number as a long, refused unless it is an integer within the int's or long's range. */
  private static long integer(Value.Num v, Schema s, String path) {
    BigDecimal n = v.decimal().stripTrailingZeros();
    if (n.scale() > 0) {
      throw refused(s, path, "the number given is not an integer");
    }
    int bits = s.getType() == Schema.Type.INT ? 32 : 64;
    if (n.precision() - n.scale() > 19 || n.toBigInteger().bitLength() >= bits) {
      throw refused(s, path, "the number given is out of its range");
    }
    return n.longValue();
  }

  /** The number as a float or a double, refused unless it is one exactly; NaN and the infinities are. */
  private static double floating(Schema s, Value v, String path, boolean single) {
    expect(v instanceof Value.Num || v instanceof Value.NonFinite, s, v, path);
    if (v instanceof Value.NonFinite n) {
      return n.value();
    }
    BigDecimal exact = ((Value.Num) v).decimal();
    double d = single ? exact.floatValue() : exact.doubleValue();
    if (!Double.isFinite(d)
        || new BigDecimal(single ? Float.toString((float) d) : Double.toString(d)).compareTo(exact) != 0) {
      throw refused(s, path, "the number given is not exactly a " + (single ? "float" : "double"));
    }
    return d;
  }

  /** The timestamp in units since the epoch; refused when that would truncate it or overflow. */
  private static long units(Instant t, ChronoUnit unit, Schema s, String path) {
    long nanosPerUnit = unit.getDuration().toNanos();
    if (t.getNano() % nanosPerUnit != 0) {
      throw refused(s, path, "the timestamp given is finer than " + unit.name().toLowerCase(java.util.Locale.ROOT));
    }
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L / nanosPerUnit), t.getNano() / nanosPerUnit);
    } catch (ArithmeticException e) {
      throw refused(s, path, "the timestamp given is out of its range");
    }
  }

  private static byte[] utf8(String text, Schema s, String path) {
    try {
      ByteBuffer b = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(text));
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw refused(s, path, "the text given is not valid Unicode (it has an unpaired surrogate)");
    }
  }

  private static void expect(boolean matches, Schema s, Value v, String path) {
    if (!matches) {
      throw refused(s, path, "the value given is " + kind(v));
    }
  }

  private static IllegalArgumentException refused(Schema s, String path, String why) {
    return new IllegalArgumentException("field " + path + " holds Avro " + describe(s) + ", and " + why);
  }

  /** What kind of value it is, never what value. */
  private static String kind(Value v) {
    if (v instanceof Value.Null) {
      return "null";
    } else if (v instanceof Value.Bool) {
      return "a boolean";
    } else if (v instanceof Value.Num) {
      return "a number";
    } else if (v instanceof Value.NonFinite) {
      return "a non-finite number";
    } else if (v instanceof Value.Text) {
      return "text";
    } else if (v instanceof Value.Bytes) {
      return "bytes";
    } else if (v instanceof Value.Uuid) {
      return "a UUID";
    } else if (v instanceof Value.Date) {
      return "a date";
    } else if (v instanceof Value.Timestamp) {
      return "a timestamp";
    } else if (v instanceof Value.ListValue) {
      return "a list";
    }
    return "a document";
  }

  // ---- the schema ----

  /** The name of the schema's logical type, or empty. */
  private static String logicalName(Schema s) {
    LogicalType t = s.getLogicalType();
    return t == null ? "" : t.getName();
  }

  /** The unit of a timestamp logical type; a local timestamp is read as UTC. Null for others. */
  private static ChronoUnit timestampUnit(String logical) {
    return switch (logical) {
      case "timestamp-millis", "local-timestamp-millis" -> ChronoUnit.MILLIS;
      case "timestamp-micros", "local-timestamp-micros" -> ChronoUnit.MICROS;
      case "timestamp-nanos", "local-timestamp-nanos" -> ChronoUnit.NANOS;
      default -> null;
    };
  }

  /** The schema as an error names it: {@code long}, {@code decimal(10, 2)}, {@code record a.B}, {@code union [null, string]}. */
  private static String describe(Schema s) {
    LogicalType t = s.getLogicalType();
    if (t instanceof LogicalTypes.Decimal d) {
      return "decimal(" + d.getPrecision() + ", " + d.getScale() + ")";
    }
    if (t != null) {
      return t.getName();
    }
    return switch (s.getType()) {
      case RECORD, ENUM -> s.getType().getName() + " " + s.getFullName();
      case FIXED -> "fixed " + s.getFullName() + " of " + s.getFixedSize() + " bytes";
      case ARRAY -> "array of " + describe(s.getElementType());
      case MAP -> "map of " + describe(s.getValueType());
      case UNION -> "union " + s.getTypes().stream().map(AvroValueFormat::describe).toList();
      default -> s.getType().getName();
    };
  }

  /** The first 16 hex digits of the SHA-256 of the schema's JSON, logical types and defaults included. */
  private static String fingerprint(Schema s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : name.startsWith("[") ? path + name : path + "." + name;
  }

  private static String firstLine(String message) {
    int nl = message == null ? -1 : message.indexOf('\n');
    return message == null ? "no reason given" : nl < 0 ? message : message.substring(0, nl);
  }
}
