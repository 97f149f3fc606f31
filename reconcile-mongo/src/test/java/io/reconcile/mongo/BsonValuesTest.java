package io.reconcile.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Canonical;
import io.reconcile.api.Value;
import io.reconcile.testkit.ReconcileArbitraries;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonMaxKey;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** BSON to canonical values and back: equal data hashes equal whatever its BSON types, and nothing is lost on the way back. */
class BsonValuesTest {

  @Test
  void numbersCompareByValueAcrossTheirBsonTypes() {
    List<BsonValue> fives = List.of(new BsonInt32(5), new BsonInt64(5), new BsonDouble(5.0),
        new BsonDecimal128(Decimal128.parse("5.00")));
    for (BsonValue v : fives) {
      assertThat(BsonValues.read(v)).isEqualTo(Value.of(5));
    }
    assertThat(BsonValues.read(new BsonDecimal128(Decimal128.parse("1.50")))).isEqualTo(BsonValues.read(new BsonDouble(1.5)));
    assertThat(BsonValues.read(new BsonDouble(0.1))).isEqualTo(Value.of(new BigDecimal("0.1")));
  }

  @Test
  void negativeZeroIsZeroAndNonFiniteNumbersAreTagged() {
    assertThat(BsonValues.read(new BsonDouble(-0.0))).isEqualTo(Value.of(0));
    assertThat(BsonValues.read(new BsonDecimal128(Decimal128.NEGATIVE_ZERO))).isEqualTo(Value.of(0));
    assertThat(BsonValues.read(new BsonDouble(Double.NaN))).isEqualTo(new Value.NonFinite(Double.NaN));
    assertThat(BsonValues.read(new BsonDecimal128(Decimal128.NaN))).isEqualTo(new Value.NonFinite(Double.NaN));
    assertThat(BsonValues.read(new BsonDecimal128(Decimal128.NEGATIVE_INFINITY)))
        .isEqualTo(new Value.NonFinite(Double.NEGATIVE_INFINITY));
  }

  @Test
  void datesAreTimestampsInMillisecondsAndBsonTimestampsAreTheirOwnType() {
    assertThat(BsonValues.read(new BsonDateTime(1_700_000_000_123L))).isEqualTo(Value.of(Instant.ofEpochMilli(1_700_000_000_123L)));
    Value ts = BsonValues.read(new BsonTimestamp(1_700_000_000, 7));
    assertThat(ts).isInstanceOf(Value.MapValue.class);
    assertThat(ts).isNotEqualTo(BsonValues.read(new BsonDateTime(1_700_000_000_000L)));
  }

  @Test
  void binaryKeepsItsSubtypeSoUuidsOfSubtypes3And4Differ() {
    UUID u = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
    assertThat(BsonValues.read(new BsonBinary(u))).isEqualTo(Value.of(u));
    Value legacy = BsonValues.read(new BsonBinary(BsonBinarySubType.UUID_LEGACY, new BsonBinary(u).getData()));
    assertThat(legacy).isNotEqualTo(Value.of(u)).isInstanceOf(Value.MapValue.class);
    assertThat(BsonValues.read(new BsonBinary(new byte[] {1, 2}))).isEqualTo(Value.ofBytes(new byte[] {1, 2}));
  }

  @Test
  void anObjectIdFieldIsItsExtendedJsonWrapperAndNotBytes() {
    ObjectId id = new ObjectId("653a0bf0aabbccddeeff0011");
    Value read = BsonValues.read(new BsonObjectId(id));
    assertThat(read).isEqualTo(Value.from(Map.of("$oid", "653a0bf0aabbccddeeff0011")));
    assertThat(read).isNotEqualTo(BsonValues.read(new BsonBinary(id.toByteArray())));
  }

  @Test
  void nestedDocumentsHashTheSameWhateverTheirFieldOrder() {
    BsonDocument ab = new BsonDocument("a", new BsonInt32(1)).append("b", new BsonString("x"));
    BsonDocument ba = new BsonDocument("b", new BsonString("x")).append("a", new BsonDouble(1.0));
    assertThat(Canonical.encode(BsonValues.read(ab))).isEqualTo(Canonical.encode(BsonValues.read(ba)));
    BsonArray list = new BsonArray(List.of(new BsonInt32(1), new BsonInt32(2)));
    BsonArray reversed = new BsonArray(List.of(new BsonInt32(2), new BsonInt32(1)));
    assertThat(BsonValues.read(list)).isNotEqualTo(BsonValues.read(reversed));
  }

  @Test
  void writingKeepsTheNumericTypeTheDocumentHeld() {
    assertThat(BsonValues.write(Value.of(7), new BsonInt64(3))).isEqualTo(new BsonInt64(7));
    assertThat(BsonValues.write(Value.of(7), new BsonDouble(3))).isEqualTo(new BsonDouble(7));
    assertThat(BsonValues.write(Value.of(new BigDecimal("1.5")), new BsonDecimal128(Decimal128.parse("2"))))
        .isEqualTo(new BsonDecimal128(Decimal128.parse("1.5")));
    // a hint that cannot hold the value exactly is not followed
    assertThat(BsonValues.write(Value.of(new BigDecimal("1.5")), new BsonInt32(1))).isEqualTo(new BsonDouble(1.5));
  }

  @Test
  void withoutAHintNumbersTakeTheNarrowestExactType() {
    assertThat(BsonValues.write(Value.of(7), null)).isEqualTo(new BsonInt32(7));
    assertThat(BsonValues.write(Value.of(Long.MAX_VALUE), null)).isEqualTo(new BsonInt64(Long.MAX_VALUE));
    assertThat(BsonValues.write(Value.of(new BigDecimal("0.1")), null)).isEqualTo(new BsonDouble(0.1));
    assertThat(BsonValues.write(Value.of(new BigDecimal("9999999999999999.99")), null))
        .isEqualTo(new BsonDecimal128(Decimal128.parse("9999999999999999.99")));
    assertThat(BsonValues.write(Value.of(new BigDecimal("123456789012345678901234567890")), null))
        .isEqualTo(new BsonDecimal128(Decimal128.parse("123456789012345678901234567890")));
  }

  @Test
  void wrappersAreWrittenBackAsTheirBsonTypes() {
    for (BsonValue v : List.of(new BsonObjectId(new ObjectId()), new BsonTimestamp(12, 34), new BsonMaxKey(),
        new BsonRegularExpression("^a.*", "i"), new BsonBinary(BsonBinarySubType.MD5, new byte[16]))) {
      assertThat(BsonValues.write(BsonValues.read(v), null)).isEqualTo(v);
    }
  }

  @Test
  void whatBsonCannotHoldIsNamedByItsPlaceNeverItsValue() {
    Optional<String> date = BsonValues.unwritable(Value.of(LocalDate.of(2024, 2, 29)), "born");
    assertThat(date).hasValueSatisfying(m -> assertThat(m).contains("born").doesNotContain("2024"));
    Optional<String> micros = BsonValues.unwritable(
        Value.from(Map.of("at", List.of(Value.of(Instant.parse("2024-01-01T00:00:00.000001Z"))))), "");
    assertThat(micros).hasValueSatisfying(m -> assertThat(m).contains("at[0]").doesNotContain("2024"));
    Optional<String> dollar = BsonValues.unwritable(Value.from(Map.of("$where", "x")), "f");
    assertThat(dollar).hasValueSatisfying(m -> assertThat(m).contains("f.$where"));
    assertThat(BsonValues.unwritable(Value.of(new BigDecimal("1e-7000")), "tiny")).isPresent();
    assertThatThrownBy(() -> BsonValues.write(Value.of(LocalDate.of(2024, 2, 29)), null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 300)
  void everyWritableValueReadsBackCanonicallyEqual(@ForAll("documents") Value.MapValue doc) {
    if (BsonValues.unwritable(doc, "").isPresent()) {
      return;
    }
    BsonDocument written = BsonValues.writeDocument(doc, null);
    assertThat(Canonical.encode(BsonValues.readDocument(written))).isEqualTo(Canonical.encode(doc));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Value.MapValue> documents() {
    return ReconcileArbitraries.documents();
  }
}
