package io.reconcile.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Value;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.apache.avro.Schema;

/**
 * {@link ValueFormat#avro} for any values: a record reads back as it was written, and any bytes
 * read as a record that writes back to itself, or are refused with an {@link
 * IllegalArgumentException} — never another exception.
 */
class AvroValueFormatPropertiesTest {

  private static final Schema SCHEMA = new Schema.Parser().parse("""
      {"type": "record", "name": "Row", "fields": [
        {"name": "n", "type": "long"},
        {"name": "d", "type": "double"},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 18, "scale": 4}},
        {"name": "text", "type": "string"},
        {"name": "raw", "type": "bytes"},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "uid", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "note", "type": ["null", "string"]},
        {"name": "counts", "type": {"type": "array", "items": "int"}},
        {"name": "labels", "type": {"type": "map", "values": ["null", "long", "string"]}}
      ]}""");
  private static final ValueFormat FORMAT = ValueFormat.avro(SCHEMA);

  @Property(tries = 500)
  void aRecordReadsBackAsWritten(@ForAll("rows") Value.MapValue row) {
    assertThat(FORMAT.read(FORMAT.write(row))).isEqualTo(row);
  }

  @Property(tries = 2000)
  void anyBytesAreARecordThatWritesBackToItselfOrAreRefused(@ForAll @Size(max = 80) byte[] bytes) {
    Value.MapValue row;
    try {
      row = FORMAT.read(bytes);
    } catch (IllegalArgumentException refused) {
      assertThat(refused).hasMessageStartingWith("the binary encoding of one Avro record Row");
      return;
    }
    assertThat(FORMAT.read(FORMAT.write(row))).isEqualTo(row);
  }

  @Property(tries = 500)
  void aRecordCutShortOrRunOnIsRefused(@ForAll("rows") Value.MapValue row, @ForAll byte extra) {
    byte[] bytes = FORMAT.write(row);
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    longer[bytes.length] = extra;
    assertThatThrownBy(() -> FORMAT.read(longer)).hasMessageEndingWith("it goes on after the record ends");
    assertThatThrownBy(() -> FORMAT.read(Arrays.copyOf(bytes, bytes.length - 1)))
        .hasMessageContaining("it ends before the record does");
  }

  @Provide
  Arbitrary<Value.MapValue> rows() {
    Arbitrary<Value> doubles = Arbitraries.doubles()
        .withSpecialValue(Double.NaN).withSpecialValue(Double.POSITIVE_INFINITY).withSpecialValue(-0.0)
        .map(Value::of);
    Arbitrary<Value> prices = Arbitraries.bigDecimals()
        .between(new BigDecimal("-99999999999999.9999"), new BigDecimal("99999999999999.9999")).ofScale(4)
        .map(Value::of);
    Arbitrary<Value> instants = Arbitraries.longs().between(-62_135_596_800_000_000L, 253_402_300_799_999_999L)
        .map(micros -> Value.of(Instant.EPOCH.plus(micros, ChronoUnit.MICROS)));
    Arbitrary<Value> days = Arbitraries.longs().between(-719_162, 2_932_896).map(d -> Value.of(LocalDate.ofEpochDay(d)));
    Arbitrary<Value> uuids = Arbitraries.longs().tuple2().map(t -> Value.of(new UUID(t.get1(), t.get2())));
    Arbitrary<Value> note = Arbitraries.oneOf(Arbitraries.just(Value.ofNull()), texts());
    Arbitrary<Value> counts = Arbitraries.integers().map(Value::of).list().ofMaxSize(5).map(Value.ListValue::new);
    Arbitrary<Value> label = Arbitraries.oneOf(Arbitraries.just(Value.ofNull()), Arbitraries.longs().map(Value::of), texts());
    Arbitrary<Value> labels = Arbitraries.maps(unicode(), label).ofMaxSize(4).map(Value.MapValue::of);
    Arbitrary<Value> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(16).map(Value::ofBytes);
    return Combinators.combine(List.of(Arbitraries.longs().map(Value::of), doubles, prices, texts(), raw, instants,
        days, uuids, note, counts, labels)).as(values -> {
          List<String> names = List.of("n", "d", "price", "text", "raw", "at", "day", "uid", "note", "counts", "labels");
          Map<String, Value> fields = new HashMap<>();
          for (int i = 0; i < names.size(); i++) {
            fields.put(names.get(i), values.get(i));
          }
          return Value.MapValue.of(fields);
        });
  }

  private static Arbitrary<Value> texts() {
    return unicode().map(Value::of);
  }

  /** Text of any code points but the surrogates, which no UTF-8 string holds alone. */
  private static Arbitrary<String> unicode() {
    return Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
        .list().ofMaxSize(12)
        .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
  }
}
