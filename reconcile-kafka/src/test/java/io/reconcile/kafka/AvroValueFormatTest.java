package io.reconcile.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.Value;
import io.reconcile.api.store.StoreOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.SchemaFormatter;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ValueFormat#avro}: every Avro type both ways, Avro's own encoding, and what it refuses. */
class AvroValueFormatTest {

  static final Schema ORDER = new Schema.Parser().parse("""
      {"type": "record", "name": "Order", "namespace": "shop", "fields": [
        {"name": "id", "type": "long"},
        {"name": "name", "type": "string"},
        {"name": "paid", "type": "boolean"},
        {"name": "count", "type": "int", "default": 7},
        {"name": "ratio", "type": "float"},
        {"name": "score", "type": "double"},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
        {"name": "weight", "type": {"type": "fixed", "name": "Weight", "size": 8,
                                    "logicalType": "decimal", "precision": 12, "scale": 3}},
        {"name": "exact", "type": {"type": "bytes", "logicalType": "big-decimal"}},
        {"name": "uid", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "uidFixed", "type": {"type": "fixed", "name": "Uid", "size": 16, "logicalType": "uuid"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "atMicros", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "atNanos", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
        {"name": "local", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
        {"name": "time", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "timeMicros", "type": {"type": "long", "logicalType": "time-micros"}},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED"]}},
        {"name": "raw", "type": "bytes"},
        {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 4}},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "attributes", "type": {"type": "map", "values": "long"}},
        {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
          {"name": "city", "type": "string"},
          {"name": "zip", "type": ["null", "string"], "default": null}]}},
        {"name": "note", "type": ["null", "string"]},
        {"name": "choice", "type": ["null", "long", "string", "Address"]},
        {"name": "nothing", "type": "null"}
      ]}""");

  static final ValueFormat FORMAT = ValueFormat.avro(ORDER);

  private static final UUID UID = UUID.fromString("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");

  /** An order with every field, each value a distinctive one that errors must not show. */
  static Map<String, Value> order() {
    Map<String, Value> f = new LinkedHashMap<>();
    f.put("id", Value.of(4242));
    f.put("name", Value.of("s3cret-name"));
    f.put("paid", Value.of(true));
    f.put("count", Value.of(3));
    f.put("ratio", Value.from(0.1f));
    f.put("score", Value.of(2.718281828));
    f.put("price", Value.of(new BigDecimal("98765.43")));
    f.put("weight", Value.of(new BigDecimal("-123456789.125")));
    f.put("exact", Value.of(new BigDecimal("3.14159265358979323846264338327950288")));
    f.put("uid", Value.of(UID));
    f.put("uidFixed", Value.of(new UUID(-1, 42)));
    f.put("day", Value.of(LocalDate.of(2024, 2, 29)));
    f.put("at", Value.of(Instant.parse("2024-03-01T12:34:56.789Z")));
    f.put("atMicros", Value.of(Instant.parse("1969-12-31T23:59:59.999999Z")));
    f.put("atNanos", Value.of(Instant.parse("2024-03-01T12:34:56.123456789Z")));
    f.put("local", Value.of(Instant.parse("2024-03-01T12:34:56.000001Z")));
    f.put("time", Value.of(45_296_789));
    f.put("timeMicros", Value.of(45_296_789_123L));
    f.put("status", Value.of("PAID"));
    f.put("raw", Value.ofBytes(new byte[] {0, -1, 7}));
    f.put("hash", Value.ofBytes(new byte[] {1, 2, 3, 4}));
    f.put("tags", new Value.ListValue(List.of(Value.of("a"), Value.of("b"))));
    f.put("attributes", Value.MapValue.of(Map.of("s3cret-key", Value.of(1), "other", Value.of(-2))));
    f.put("address", Value.MapValue.of(Map.of("city", Value.of("Lyon"), "zip", Value.of("69001"))));
    f.put("note", Value.ofNull());
    f.put("choice", Value.of("text branch"));
    f.put("nothing", Value.ofNull());
    return f;
  }

  static Value.MapValue order(String field, Value v) {
    Map<String, Value> f = order();
    f.put(field, v);
    return Value.MapValue.of(f);
  }

  static Value.MapValue orderWithout(String field) {
    Map<String, Value> f = order();
    f.remove(field);
    return Value.MapValue.of(f);
  }

  static Value.MapValue roundTrip(Value.MapValue fields) {
    return FORMAT.read(FORMAT.write(fields));
  }

  @Nested
  @DisplayName("reads what it writes")
  class RoundTrips {

    @Test
    void everyTypeAndLogicalType() {
      Value.MapValue order = Value.MapValue.of(order());
      assertThat(roundTrip(order)).isEqualTo(order);
    }

    @Test
    void nonFiniteFloatsAndDoubles() {
      for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
        Value.MapValue read = roundTrip(Value.MapValue.of(merge(Map.of(
            "ratio", new Value.NonFinite(d), "score", new Value.NonFinite(d)))));
        assertThat(read.fields().get("ratio")).isEqualTo(new Value.NonFinite(d));
        assertThat(read.fields().get("score")).isEqualTo(new Value.NonFinite(d));
      }
    }

    @Test
    void unionsTakeTheFirstBranchThatTakesTheValue() {
      assertThat(roundTrip(order("choice", Value.ofNull())).fields().get("choice")).isEqualTo(Value.ofNull());
      assertThat(roundTrip(order("choice", Value.of(12))).fields().get("choice")).isEqualTo(Value.of(12));
      Value address = Value.MapValue.of(Map.of("city", Value.of("Oslo"), "zip", Value.ofNull()));
      assertThat(roundTrip(order("choice", address)).fields().get("choice")).isEqualTo(address);
      assertThat(roundTrip(order("note", Value.of("hello"))).fields().get("note")).isEqualTo(Value.of("hello"));
    }

    @Test
    void aMissingFieldTakesTheSchemasDefault() {
      Map<String, Value> f = order();
      f.remove("count");
      f.put("address", Value.MapValue.of(Map.of("city", Value.of("Lyon"))));
      Value.MapValue read = roundTrip(Value.MapValue.of(f));
      assertThat(read.fields().get("count")).isEqualTo(Value.of(7));
      assertThat(read.fields().get("address"))
          .isEqualTo(Value.MapValue.of(Map.of("city", Value.of("Lyon"), "zip", Value.ofNull())));
    }

    @Test
    void decimalsKeepTheirValueAtTheSchemasScale() {
      assertThat(roundTrip(order("price", Value.of(new BigDecimal("5.1")))).fields().get("price"))
          .isEqualTo(Value.of(new BigDecimal("5.10")));
      assertThat(roundTrip(order("price", Value.of(new BigDecimal("12.300")))).fields().get("price"))
          .isEqualTo(Value.of(new BigDecimal("12.3")));
      assertThat(roundTrip(order("price", Value.of(0))).fields().get("price")).isEqualTo(Value.of(0));
      assertThat(roundTrip(order("price", Value.of(new BigDecimal("-99999999.99")))).fields().get("price"))
          .isEqualTo(Value.of(new BigDecimal("-99999999.99")));
      assertThat(roundTrip(order("weight", Value.of(new BigDecimal("999999999.999")))).fields().get("weight"))
          .isEqualTo(Value.of(new BigDecimal("999999999.999")));
    }

    @Test
    void integersAtTheEdgesOfTheirRange() {
      assertThat(roundTrip(order("id", Value.of(Long.MIN_VALUE))).fields().get("id")).isEqualTo(Value.of(Long.MIN_VALUE));
      assertThat(roundTrip(order("count", Value.of(Integer.MAX_VALUE))).fields().get("count"))
          .isEqualTo(Value.of(Integer.MAX_VALUE));
      assertThat(roundTrip(order("count", Value.of(new BigDecimal("12.000")))).fields().get("count"))
          .isEqualTo(Value.of(12));
    }
  }

  @Nested
  @DisplayName("is Avro's own binary encoding")
  class AvroEncoding {

    private final GenericData data = logicalData();

    @Test
    void readsARecordAvroWrote() throws IOException {
      GenericRecord address = new GenericData.Record(ORDER.getField("address").schema());
      address.put("city", "Lyon");
      address.put("zip", null);
      GenericRecord r = new GenericData.Record(ORDER);
      Map<String, Value> expected = order();
      r.put("id", 4242L);
      r.put("name", "s3cret-name");
      r.put("paid", true);
      r.put("count", 3);
      r.put("ratio", 0.1f);
      r.put("score", 2.718281828);
      r.put("price", new BigDecimal("98765.43"));
      r.put("weight", new BigDecimal("-123456789.125"));
      r.put("exact", new BigDecimal("3.14159265358979323846264338327950288"));
      r.put("uid", UID);
      r.put("uidFixed", new UUID(-1, 42));
      r.put("day", LocalDate.of(2024, 2, 29));
      r.put("at", Instant.parse("2024-03-01T12:34:56.789Z"));
      r.put("atMicros", Instant.parse("1969-12-31T23:59:59.999999Z"));
      r.put("atNanos", Instant.parse("2024-03-01T12:34:56.123456789Z"));
      r.put("local", LocalDateTime.parse("2024-03-01T12:34:56.000001"));
      r.put("time", LocalTime.parse("12:34:56.789"));
      r.put("timeMicros", LocalTime.parse("12:34:56.789123"));
      r.put("status", new GenericData.EnumSymbol(ORDER.getField("status").schema(), "PAID"));
      r.put("raw", ByteBuffer.wrap(new byte[] {0, -1, 7}));
      r.put("hash", new GenericData.Fixed(ORDER.getField("hash").schema(), new byte[] {1, 2, 3, 4}));
      r.put("tags", List.of("a", "b"));
      r.put("attributes", Map.of("s3cret-key", 1L, "other", -2L));
      r.put("address", address);
      r.put("note", null);
      r.put("choice", "text branch");
      r.put("nothing", null);
      expected.put("address", Value.MapValue.of(Map.of("city", Value.of("Lyon"), "zip", Value.ofNull())));

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(ORDER, data).write(r, enc);
      enc.flush();

      assertThat(FORMAT.read(out.toByteArray())).isEqualTo(Value.MapValue.of(expected));
    }

    @Test
    void writesARecordAvroReads() throws IOException {
      byte[] bytes = FORMAT.write(Value.MapValue.of(order()));
      GenericRecord r = new GenericDatumReader<GenericRecord>(ORDER, ORDER, data)
          .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
      assertThat(r.get("id")).isEqualTo(4242L);
      assertThat(r.get("name")).hasToString("s3cret-name");
      assertThat(r.get("price")).isEqualTo(new BigDecimal("98765.43"));
      assertThat(r.get("weight")).isEqualTo(new BigDecimal("-123456789.125"));
      assertThat(r.get("exact")).isEqualTo(new BigDecimal("3.14159265358979323846264338327950288"));
      assertThat(r.get("uid")).isEqualTo(UID);
      assertThat(r.get("uidFixed")).isEqualTo(new UUID(-1, 42));
      assertThat(r.get("day")).isEqualTo(LocalDate.of(2024, 2, 29));
      assertThat(r.get("atNanos")).isEqualTo(Instant.parse("2024-03-01T12:34:56.123456789Z"));
      assertThat(r.get("status")).hasToString("PAID");
      assertThat(((GenericRecord) r.get("address")).get("city")).hasToString("Lyon");
      assertThat(r.get("choice")).hasToString("text branch");
    }

    private static GenericData logicalData() {
      GenericData d = new GenericData();
      d.addLogicalTypeConversion(new Conversions.DecimalConversion());
      d.addLogicalTypeConversion(new Conversions.BigDecimalConversion());
      d.addLogicalTypeConversion(new Conversions.UUIDConversion());
      d.addLogicalTypeConversion(new TimeConversions.DateConversion());
      d.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
      d.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
      d.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
      d.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
      d.addLogicalTypeConversion(new TimeConversions.TimestampNanosConversion());
      d.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
      return d;
    }
  }

  @Nested
  @DisplayName("refuses to write, naming the field and its Avro type, never the value")
  class WriteRefusals {

    @Test
    void aMissingFieldWithoutADefault() {
      assertRefused(orderWithout("name"), "field name of Avro record shop.Order is missing",
          "no default");
      assertRefused(order("address", Value.MapValue.of(Map.of("zip", Value.of("s3cret-zip")))),
          "field address.city of Avro record shop.Address is missing");
    }

    @Test
    void aValueOfTheWrongType() {
      assertRefused(order("name", Value.of(987654321)), "field name holds Avro string", "a number");
      assertRefused(order("id", Value.of("s3cret-id")), "field id holds Avro long", "text");
      assertRefused(order("uid", Value.of(UID.toString())), "field uid holds Avro uuid", "text");
      assertRefused(order("at", Value.of(1_700_000_000_000L)), "field at holds Avro timestamp-millis");
      assertRefused(order("paid", Value.ofNull()), "field paid holds Avro boolean", "null");
      assertRefused(order("address", Value.MapValue.of(Map.of("city", Value.of(555_111)))),
          "field address.city holds Avro string");
      assertRefused(order("tags", new Value.ListValue(List.of(Value.of("a"), Value.of(31337)))),
          "field tags[1] holds Avro string");
      assertRefused(order("attributes", Value.MapValue.of(Map.of("s3cret-key", Value.of("s3cret-value")))),
          "field attributes[*] holds Avro long");
      assertRefused(order("note", Value.of(424242)), "field note holds Avro string", "a number");
      assertRefused(order("choice", Value.of(true)),
          "field choice holds Avro union [null, long, string, record shop.Address]", "none of its branches");
    }

    @Test
    void aFieldTheRecordDoesNotHave() {
      assertRefused(order("s3cret", Value.of("s3cret-value")), "field s3cret is not in Avro record shop.Order");
      assertRefused(order("address", Value.MapValue.of(Map.of("city", Value.of("Lyon"), "street", Value.of("s3cret")))),
          "field address.street is not in Avro record shop.Address");
    }

    @Test
    void aDecimalThatDoesNotFitIsNotRounded() {
      assertRefused(order("price", Value.of(new BigDecimal("1.23456"))),
          "field price holds Avro decimal(10, 2)", "more than 2 fractional digits");
      assertRefused(order("price", Value.of(new BigDecimal("123456789.5"))),
          "field price holds Avro decimal(10, 2)", "more than 8 digits before the point");
      assertRefused(order("weight", Value.of(new BigDecimal("1E+30"))),
          "field weight holds Avro decimal(12, 3)", "more than 9 digits before the point");
      assertRefused(order("price", new Value.NonFinite(Double.NaN)),
          "field price holds Avro decimal(10, 2)", "a non-finite number");
    }

    @Test
    void aNumberItsTypeCannotHoldExactly() {
      assertRefused(order("count", Value.of(Integer.MAX_VALUE + 1L)), "field count holds Avro int", "out of its range");
      assertRefused(order("id", Value.of(new BigDecimal("9223372036854775808"))), "field id holds Avro long", "out of its range");
      assertRefused(order("id", Value.of(new BigDecimal("4242.5"))), "field id holds Avro long", "not an integer");
      assertRefused(order("ratio", Value.of(new BigDecimal("0.1000000001"))), "field ratio holds Avro float", "not exactly a float");
      assertRefused(order("score", Value.of(new BigDecimal("1E+400"))), "field score holds Avro double", "not exactly a double");
    }

    @Test
    void aTimestampFinerThanItsUnitOrOutOfRange() {
      assertRefused(order("at", Value.of(Instant.parse("2024-03-01T12:34:56.789001Z"))),
          "field at holds Avro timestamp-millis", "finer than millis");
      assertRefused(order("atNanos", Value.of(Instant.parse("3000-01-01T00:00:00Z"))),
          "field atNanos holds Avro timestamp-nanos", "out of its range");
      assertRefused(order("day", Value.of(LocalDate.MAX)), "field day holds Avro date", "out of its range");
    }

    @Test
    void aSymbolOrFixedSizeTheSchemaLacks() {
      assertRefused(order("status", Value.of("s3cret-status")), "field status holds Avro enum shop.Status",
          "[NEW, PAID, SHIPPED]");
      assertRefused(order("hash", Value.ofBytes(new byte[] {1, 2, 3})), "field hash holds Avro fixed shop.Hash of 4 bytes",
          "another length");
    }

    @Test
    void textThatIsNotUnicode() {
      assertRefused(order("name", Value.of("s3cret\uD800")), "field name holds Avro string", "unpaired surrogate");
    }

    private void assertRefused(Value.MapValue fields, String... said) {
      assertThatThrownBy(() -> FORMAT.write(fields))
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> {
            assertThat(e.getMessage()).contains(said);
            assertNoValueIn(e.getMessage());
          });
    }
  }

  @Nested
  @DisplayName("refuses to read bytes that are not one record of the schema, showing none of them")
  class ReadRefusals {

    @Test
    void bytesThatEndEarly() {
      byte[] bytes = FORMAT.write(Value.MapValue.of(order()));
      assertUnreadable(Arrays.copyOf(bytes, bytes.length - 1), "ends before the record does, in field choice");
      assertUnreadable(new byte[0], "ends before the record does, in field id");
    }

    @Test
    void bytesAfterTheRecord() {
      byte[] bytes = FORMAT.write(Value.MapValue.of(order()));
      assertUnreadable(Arrays.copyOf(bytes, bytes.length + 1), "it goes on after the record ends");
    }

    @Test
    void bytesOfAnotherShape() {
      byte[] text = "s3cret text, not Avro".getBytes(StandardCharsets.UTF_8);
      assertUnreadable(text, "the binary encoding of one Avro record shop.Order (no header, no schema id) was expected");
      // A schema registry's prefix: a zero byte and a four-byte schema id, then the record.
      byte[] record = FORMAT.write(Value.MapValue.of(order()));
      byte[] prefixed = ByteBuffer.allocate(5 + record.length).put((byte) 0).putInt(7).put(record).array();
      assertThatThrownBy(() -> FORMAT.read(prefixed)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("the binary encoding of one Avro record shop.Order");
    }

    @Test
    void aStringThatIsNotUtf8() {
      Schema s = new Schema.Parser().parse("""
          {"type": "record", "name": "T", "fields": [{"name": "t", "type": "string"}]}""");
      assertThatThrownBy(() -> ValueFormat.avro(s).read(new byte[] {4, 's', (byte) 0xC3}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not UTF-8, in field t");
    }

    @Test
    void anIndexTheSchemaLacks() {
      Schema s = new Schema.Parser().parse("""
          {"type": "record", "name": "T", "fields": [
            {"name": "u", "type": ["null", "long"]},
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A"]}}]}""");
      ValueFormat f = ValueFormat.avro(s);
      assertThatThrownBy(() -> f.read(new byte[] {4, 2})).hasMessageContaining("branch index that union [null, long] lacks, in field u");
      assertThatThrownBy(() -> f.read(new byte[] {0, 2})).hasMessageContaining("symbol index that enum E lacks, in field e");
    }

    @Test
    void aLengthNoValueHas() {
      Schema s = new Schema.Parser().parse("""
          {"type": "record", "name": "T", "fields": [{"name": "b", "type": "bytes"}]}""");
      // A length of -1 (zig-zag 1); then a varint of eleven bytes, more than any long takes.
      assertThatThrownBy(() -> ValueFormat.avro(s).read(new byte[] {1}))
          .hasMessageEndingWith("it holds a length that no value has, in field b");
      byte[] tooLong = new byte[11];
      Arrays.fill(tooLong, (byte) 0xFF);
      assertThatThrownBy(() -> ValueFormat.avro(s).read(tooLong)).hasMessageContaining("malformed number, in field b");
    }

    private void assertUnreadable(byte[] bytes, String said) {
      assertThatThrownBy(() -> FORMAT.read(bytes))
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> {
            assertThat(e.getMessage()).contains(said);
            assertNoValueIn(e.getMessage());
          });
    }
  }

  @Nested
  @DisplayName("is made of a record schema, and named after all of it")
  class Identity {

    @Test
    void refusesASchemaThatIsNotARecord() {
      assertThatThrownBy(() -> ValueFormat.avro(Schema.create(Schema.Type.STRING)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("an Avro value format needs a record schema, the schema of the record values, but was given string");
    }

    @Test
    void itsNameIsStableAndDiffersBetweenSchemas() {
      String json = SchemaFormatter.format("json/pretty", ORDER);
      assertThat(ValueFormat.avro(new Schema.Parser().parse(json))).hasToString(FORMAT.toString());
      assertThat(FORMAT.toString()).matches("avro\\(shop\\.Order@[0-9a-f]{16}\\)");
      String plain = """
          {"type": "record", "name": "T", "fields": [{"name": "at", "type": "long"}]}""";
      String logical = """
          {"type": "record", "name": "T", "fields": [
            {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}""";
      String defaulted = """
          {"type": "record", "name": "T", "fields": [{"name": "at", "type": "long", "default": 0}]}""";
      assertThat(List.of(plain, logical, defaulted).stream()
          .map(s -> ValueFormat.avro(new Schema.Parser().parse(s)).toString()).distinct()).hasSize(3);
    }

    @Test
    void opensASchemaFile(@TempDir Path dir) throws IOException {
      Path file = Files.writeString(dir.resolve("order.avsc"), ORDER.toString());
      assertThat(AvroValueFormat.ofSchemaFile(file)).hasToString(FORMAT.toString());

      Path missing = dir.resolve("missing.avsc");
      assertThatThrownBy(() -> AvroValueFormat.ofSchemaFile(missing)).isInstanceOf(ConfigurationException.class)
          .hasMessageContaining(missing.toString()).hasMessageNotContaining("\n");
      Path notJson = Files.writeString(dir.resolve("bad.avsc"), "{\"type\": \"record\", \"name\": ");
      assertThatThrownBy(() -> AvroValueFormat.ofSchemaFile(notJson)).isInstanceOf(ConfigurationException.class)
          .hasMessageStartingWith("the file " + notJson + " is not an Avro schema").hasMessageNotContaining("\n");
      Path notRecord = Files.writeString(dir.resolve("string.avsc"), "\"string\"");
      assertThatThrownBy(() -> AvroValueFormat.ofSchemaFile(notRecord)).isInstanceOf(ConfigurationException.class)
          .hasMessageContaining(notRecord.toString()).hasMessageContaining("needs a record schema");
    }
  }

  @Nested
  @DisplayName("is format=avro&schema=PATH in kafka:// URIs")
  class Uris {

    @Test
    void refusesAMissingOrMisplacedSchema(@TempDir Path dir) {
      Path missing = dir.resolve("missing.avsc");
      assertThatThrownBy(() -> open("?format=avro")).isInstanceOf(ConfigurationException.class)
          .hasMessage("format=avro needs schema=PATH, the path of the record values' Avro schema (an .avsc file)");
      assertThatThrownBy(() -> open("?schema=" + missing)).isInstanceOf(ConfigurationException.class)
          .hasMessage("option schema goes with format=avro, but the format is json");
      assertThatThrownBy(() -> open("?format=avro&schema=" + missing)).isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("the Avro schema file " + missing + " could not be read");
    }

    private void open(String query) {
      new KafkaStoreProvider().open("kafka://127.0.0.1:9/orders" + query, StoreOptions.defaults())
          .close();
    }
  }

  @Nested
  @DisplayName("checks a repair's fields without asking for those it leaves out")
  class Check {

    @Test
    void leavesOutWhatARepairKeeps() {
      AvroValueFormat f = (AvroValueFormat) FORMAT;
      f.check(Value.MapValue.of(Map.of("name", Value.of("x"))));
      assertThat(f.holds("id")).isTrue();
      assertThat(f.holds("s3cret")).isFalse();
      assertThatThrownBy(() -> f.check(Value.MapValue.of(Map.of("name", Value.of(1)))))
          .hasMessageContaining("field name holds Avro string");
      assertThatThrownBy(() -> f.check(Value.MapValue.of(Map.of("s3cret", Value.of(1)))))
          .hasMessageContaining("field s3cret is not in Avro record shop.Order");
    }
  }

  private static Map<String, Value> merge(Map<String, Value> changes) {
    Map<String, Value> f = order();
    f.putAll(changes);
    return f;
  }

  /** No value of the test's records shows in a message (field names may). */
  private static void assertNoValueIn(String message) {
    assertThat(message).doesNotContain("s3cret-", "4242", "987654321", "555111", "31337", "424242", "98765",
        "1.23456", "123456789", "Lyon", "0a1b2c3d", "2024", "text branch");
  }
}
