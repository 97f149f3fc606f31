package io.reconcile.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AuditJsonTest {

  private static final Instant T = Instant.parse("2024-02-29T12:00:00.123456789Z");

  /** Encodes, writes as an audit line, reads back and decodes: the path a real record takes. */
  private static Value throughText(Value v) {
    Entry e = Entry.of(Key.of(1), Value.MapValue.of(Map.of("v", v)));
    AuditRecord r =
        new AuditRecord("run", AuditRecord.Type.OUTCOME, T, null, null, null, null, e, null);
    String line = new Chain().next(r).line();
    AuditRecord back = Chain.record(Chain.parse(line));
    return back.found().field("v");
  }

  static Stream<Value> everyKind() {
    return Stream.of(
        Value.ofNull(),
        Value.of(true),
        Value.of(false),
        Value.of(0L),
        Value.of(Long.MIN_VALUE),
        Value.of(new BigDecimal("12.50")),
        Value.of(new BigDecimal("-0.000")),
        Value.of(new BigDecimal("1E+3")),
        Value.of(new BigDecimal("123456789012345678901234567890.123456789")),
        ((Value.Num) Value.of(new BigDecimal("1.10"))).withSignificantScale(),
        Value.of(0.1),
        Value.of(Double.NaN),
        Value.of(Double.POSITIVE_INFINITY),
        Value.of(Double.NEGATIVE_INFINITY),
        Value.of(""),
        Value.of("NULL"),
        Value.of("quote \" backslash \\ newline \n nul \0 é 😀"),
        Value.of("lone \uD800 high and \uDC00 low surrogate"),
        Value.ofBytes(new byte[0]),
        Value.ofBytes(new byte[] {0, -1, 127, -128}),
        Value.of(new UUID(-1, 1)),
        Value.of(LocalDate.of(2024, 2, 29)),
        Value.of(LocalDate.MIN),
        Value.of(LocalDate.MAX),
        Value.of(T),
        Value.of(Instant.MIN),
        Value.of(Instant.MAX),
        Value.of(Instant.ofEpochSecond(-1, 1)),
        new Value.ListValue(List.of()),
        new Value.ListValue(
            List.of(Value.ofNull(), Value.of(1), new Value.ListValue(List.of(Value.of("x"))))),
        Value.MapValue.of(Map.of()),
        Value.MapValue.of(
            Map.of(
                "a", Value.of(1),
                "", Value.of("empty name"),
                "\uD83D", Value.of("lone surrogate name"),
                "nested",
                    Value.MapValue.of(Map.of("b", new Value.ListValue(List.of(Value.of(T))))))));
  }

  @ParameterizedTest
  @MethodSource("everyKind")
  @DisplayName("every kind of value round-trips exactly, as a tree and through an audit line")
  void everyKindRoundTrips(Value v) {
    Value tree = AuditJson.valueFromJson(AuditJson.toJson(v));
    assertThat(tree).isEqualTo(v).hasSameClassAs(v);
    assertThat(AuditGenerators.exactlyEqual(tree, v)).isTrue();
    Value text = throughText(v);
    assertThat(text).isEqualTo(v);
    assertThat(AuditGenerators.exactlyEqual(text, v)).isTrue();
  }

  @Test
  @DisplayName("a found row of every kind of value round-trips exactly through an audit line")
  void foundRowOfEveryKind() {
    Map<String, Value> row = new java.util.LinkedHashMap<>();
    List<Value> kinds = everyKind().toList();
    for (int i = 0; i < kinds.size(); i++) {
      row.put("c" + i, kinds.get(i));
    }
    AuditRecord r =
        new AuditRecord("run", AuditRecord.Type.OUTCOME, T, null, null, null, ActionOutcome.Status.APPLIED, null, null, row, Map.of());
    AuditRecord back = Chain.record(Chain.parse(new Chain().next(r).line()));
    assertThat(back).isEqualTo(r);
    assertThat(AuditGenerators.exactlyEqual(Value.MapValue.of(back.foundRow()), Value.MapValue.of(row))).isTrue();
  }

  @Nested
  @DisplayName("the format")
  class Format {

    @Test
    @DisplayName("numbers keep their exact decimal text, and the scale flag only when set")
    void numbers() {
      ObjectNode plain = AuditJson.toJson(Value.of(new BigDecimal("12.50")));
      assertThat(plain.toString()).isEqualTo("{\"type\":\"num\",\"value\":\"12.50\"}");
      ObjectNode significant =
          AuditJson.toJson(((Value.Num) Value.of(new BigDecimal("1.10"))).withSignificantScale());
      assertThat(significant.toString())
          .isEqualTo("{\"type\":\"num\",\"value\":\"1.10\",\"scaleSignificant\":true}");
      Value.Num back = (Value.Num) AuditJson.valueFromJson(plain);
      assertThat(back.decimal()).isEqualTo(new BigDecimal("12.50")); // scale 2, not 12.5
      assertThat(back.scaleSignificant()).isFalse();
      assertThat(((Value.Num) AuditJson.valueFromJson(significant)).scaleSignificant()).isTrue();
      // 1.10 and 1.1 differ once the scale counts: the flag must survive for that.
      assertThat(AuditJson.valueFromJson(significant))
          .isNotEqualTo(((Value.Num) Value.of(new BigDecimal("1.1"))).withSignificantScale());
    }

    @Test
    @DisplayName("timestamps keep nanoseconds, non-finite floats and bytes have text forms")
    void scalars() {
      assertThat(AuditJson.toJson(Value.of(T)).get("value").textValue())
          .isEqualTo("2024-02-29T12:00:00.123456789Z");
      assertThat(AuditJson.toJson(Value.of(Double.NEGATIVE_INFINITY)).get("value").textValue())
          .isEqualTo("-Infinity");
      assertThat(AuditJson.toJson(Value.ofBytes(new byte[] {1, 2, 3})).get("value").textValue())
          .isEqualTo("AQID");
    }

    @Test
    @DisplayName("key parts are typed, with longs as text so no reader rounds them")
    void keys() {
      Key key = Key.of(Long.MAX_VALUE, "eu", new UUID(0, 1), new byte[] {(byte) 0xFF});
      assertThat(AuditJson.toJson(key).toString())
          .isEqualTo(
              "[{\"type\":\"long\",\"value\":\"9223372036854775807\"},"
                  + "{\"type\":\"text\",\"value\":\"eu\"},"
                  + "{\"type\":\"uuid\",\"value\":\"00000000-0000-0000-0000-000000000001\"},"
                  + "{\"type\":\"bytes\",\"value\":\"/w==\"}]");
      assertThat(AuditJson.keyFromJson(AuditJson.toJson(key))).isEqualTo(key);
      // A number part that is not a long, as its plain decimal text.
      Key decimal = Key.of(new java.math.BigDecimal("1.50"), new java.math.BigDecimal("1E+30"), new java.math.BigDecimal("0.0000001"));
      assertThat(AuditJson.toJson(decimal).toString())
          .isEqualTo("[{\"type\":\"decimal\",\"value\":\"1.5\"},"
              + "{\"type\":\"decimal\",\"value\":\"1000000000000000000000000000000\"},"
              + "{\"type\":\"decimal\",\"value\":\"0.0000001\"}]");
      assertThat(AuditJson.keyFromJson(AuditJson.toJson(decimal))).isEqualTo(decimal);
    }

    @Test
    @DisplayName("an entry leaves out a missing version, and each missing part of one")
    void versions() {
      Key k = Key.of("k");
      Value.MapValue f = Value.MapValue.of(Map.of("n", Value.of(1)));
      VersionVector vv = VersionVector.of(Map.of("a", 3L, "b", 5L));
      for (Version v :
          List.of(
              Version.NONE,
              Version.of(vv),
              Version.of(T),
              new Version(vv, T),
              new Version(VersionVector.empty(), null))) {
        Entry e = Entry.of(k, f, v);
        ObjectNode json = AuditJson.toJson(e);
        assertThat(json.has("version")).isEqualTo(!v.equals(Version.NONE));
        Entry back = AuditJson.entryFromJson(json);
        assertThat(back).isEqualTo(e);
        assertThat(back.version()).isEqualTo(v);
      }
      assertThat(AuditJson.toJson(Entry.of(k, f, new Version(vv, T))).get("version").toString())
          .isEqualTo("{\"vector\":\"{a:3,b:5}\",\"timestamp\":\"2024-02-29T12:00:00.123456789Z\"}");
    }
  }

  @Nested
  @DisplayName("actions and records")
  class ActionsAndRecords {

    private final Entry before = Entry.of(Key.of(7), Map.of("name", "Ada", "n", 1));
    private final Entry after =
        Entry.of(
            Key.of(7),
            Map.of("name", "Ada", "n", 2),
            Version.of(VersionVector.empty().increment("a")));

    @Test
    @DisplayName("upserts and deletes decode to equal actions with the same id")
    void actions() {
      List<RepairAction> actions =
          List.of(
              RepairAction.upsert("replica", after, Expected.absent()),
              RepairAction.upsert("replica", after, Expected.present(before)),
              RepairAction.delete("replica", Key.of(7), Expected.present(before)),
              RepairAction.upsert("replica", after, Expected.present(before)).inverse(),
              RepairAction.delete("replica", Key.of(7), Expected.present(before)).inverse());
      for (RepairAction a : actions) {
        RepairAction back = AuditJson.actionFromJson(AuditJson.toJson(a));
        assertThat(back).isEqualTo(a).hasSameClassAs(a);
        assertThat(back.id()).isEqualTo(a.id());
        assertThat(back.inverse()).isEqualTo(a.inverse());
      }
      ObjectNode delete = AuditJson.toJson(actions.get(2));
      assertThat(delete.get("op").textValue()).isEqualTo("delete");
      assertThat(delete.has("entry")).isFalse();
      assertThat(delete.get("expected").get("state").textValue()).isEqualTo("present");
    }

    @Test
    @DisplayName("an id that is not the one derived from the action is found out, not trusted")
    void editedIdRefused() {
      for (RepairAction a : List.of(
          RepairAction.upsert("replica", after, Expected.present(before)),
          RepairAction.delete("replica", Key.of(7), Expected.present(before)))) {
        ObjectNode json = AuditJson.toJson(a);
        json.put("id", "0".repeat(32));
        assertThatThrownBy(() -> AuditJson.actionFromJson(json))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("malformed audit JSON at action.id: expected " + a.id() + ", the id derived from the"
                + " action's target, key, expected state and result, but found another; the record was changed"
                + " since it was written, so it cannot be trusted — restore the audit log from a copy");
        ObjectNode edited = AuditJson.toJson(a);
        ((ObjectNode) edited.get("expected").get("entry").get("fields").get("name")).put("value", "Eve");
        assertThatThrownBy(() -> AuditJson.actionFromJson(edited)).hasMessageContaining("at action.id");
      }
    }

    @Test
    @DisplayName("an id written before ids came from canonical bytes is accepted, and the action decodes with today's id")
    void legacyIdAccepted() {
      // Ids the earlier derivation gave these actions (hex row hashes as text, 96 bits).
      Entry old = Entry.of(Key.of(7), Map.of("name", "before"));
      Entry fresh = Entry.of(Key.of(7), Map.of("name", "after"));
      Map<String, RepairAction> byLegacyId = Map.of(
          "5f7b984b2b1e1dace8153bc3", RepairAction.upsert("replica", fresh, Expected.present(old)),
          "6f3c9d1931a325fa87f6a6b8", RepairAction.delete("replica", Key.of(7), Expected.present(old)));
      byLegacyId.forEach((legacy, a) -> {
        ObjectNode json = AuditJson.toJson(a);
        json.put("id", legacy);
        RepairAction back = AuditJson.actionFromJson(json);
        assertThat(back).isEqualTo(a);
        assertThat(back.id()).isEqualTo(a.id()).hasSize(32);
      });
    }

    @Test
    @DisplayName("records of every type round-trip, and null members are left out")
    void records() {
      RepairAction a = RepairAction.upsert("replica", after, Expected.present(before));
      List<AuditRecord> records =
          List.of(
              new AuditRecord(
                  "r1",
                  AuditRecord.Type.RUN_STARTED,
                  T,
                  null,
                  null,
                  null,
                  null,
                  null,
                  "mem:a -> mem:b"),
              new AuditRecord(
                  "r1",
                  AuditRecord.Type.INTENT,
                  T,
                  a,
                  "TAKE primary: newer",
                  "MISMATCH by digest",
                  null,
                  null,
                  null),
              new AuditRecord(
                  "r1",
                  AuditRecord.Type.OUTCOME,
                  T,
                  a,
                  null,
                  null,
                  ActionOutcome.Status.REFUSED,
                  before,
                  null),
              new AuditRecord(
                  "r1", AuditRecord.Type.RUN_FINISHED, T, null, null, null, null, null, null),
              new AuditRecord(
                  "r1", AuditRecord.Type.UNDO_STARTED, T, null, null, null, null, null, ""),
              new AuditRecord(
                  "r1", AuditRecord.Type.UNDO_FINISHED, T, null, null, null, null, null, null));
      for (AuditRecord r : records) {
        assertThat(AuditJson.recordFromJson(AuditJson.toJson(r))).isEqualTo(r);
      }
      ObjectNode finished = AuditJson.toJson(records.get(3));
      assertThat(finished.toString())
          .isEqualTo(
              "{\"runId\":\"r1\",\"type\":\"RUN_FINISHED\",\"time\":\"2024-02-29T12:00:00.123456789Z\"}");
      ObjectNode outcome = AuditJson.toJson(records.get(2));
      assertThat(outcome.get("status").textValue()).isEqualTo("REFUSED");
      assertThat(AuditJson.entryFromJson(outcome.get("found"))).isEqualTo(before);
    }

    @Test
    @DisplayName("fingerprints, found rows, stored rows and the FAILED and SKIPPED types are written and read back")
    void newMembers() {
      Entry stored = Entry.of(Key.of(7), Map.of("v", "old"));
      RepairAction restore =
          RepairAction.restore("replica", stored, Map.of("v", Value.of("old"), "extra", Value.of(7)), Expected.present(after));
      Map<String, Map<String, String>> fingerprints =
          Map.of("a", Map.of("database", "shop", "dataset", "orders"), "b", Map.of());
      List<AuditRecord> records =
          List.of(
              new AuditRecord("r1", AuditRecord.Type.RUN_STARTED, T, null, null, null, null, null, "stores [a, b]", null, fingerprints),
              new AuditRecord("r1", AuditRecord.Type.INTENT, T, restore, "undo", null, null, null, null),
              new AuditRecord("r1", AuditRecord.Type.OUTCOME, T, restore, null, null, ActionOutcome.Status.APPLIED, stored, null,
                  Map.of("v", Value.of("old"), "extra", Value.of(7)), Map.of()),
              new AuditRecord("r1", AuditRecord.Type.FAILED, T, restore, null, null, null, null, "store 'b' failed a batch of 1 actions"),
              new AuditRecord("r1", AuditRecord.Type.SKIPPED, T, restore, null, null, null, null, "repair limit reached"));
      for (AuditRecord r : records) {
        assertThat(AuditJson.recordFromJson(AuditJson.toJson(r))).isEqualTo(r);
      }
      ObjectNode started = AuditJson.toJson(records.get(0));
      assertThat(started.get("fingerprints").get("a").get("database").textValue()).isEqualTo("shop");
      assertThat(AuditJson.toJson(records.get(2)).get("foundRow").get("extra").get("value").textValue()).isEqualTo("7");
      assertThat(AuditJson.toJson(restore).get("storedRow").get("extra").get("type").textValue()).isEqualTo("num");
      assertThat(AuditJson.toJson(records.get(3)).toString()).doesNotContain("fingerprints").doesNotContain("foundRow");
    }

    @Test
    @DisplayName("a record written before fingerprints and found rows existed reads without them")
    void oldRecords() {
      AuditRecord back =
          AuditJson.recordFromJson(
              Chain.parse("{\"runId\":\"r\",\"type\":\"RUN_STARTED\",\"time\":\"" + T + "\",\"note\":\"stores [a, b]\"}"));
      assertThat(back.fingerprints()).isEmpty();
      assertThat(back.foundRow()).isNull();
      assertThat(back.note()).isEqualTo("stores [a, b]");
    }

    @Test
    @DisplayName("JSON null stands for a missing member, and unknown members are ignored")
    void lenientWhereSafe() throws Exception {
      ObjectNode json =
          AuditJson.toJson(
              new AuditRecord(
                  "r1", AuditRecord.Type.RUN_FINISHED, T, null, null, null, null, null, "n"));
      json.putNull("action").putNull("status").put("addedLater", 42);
      AuditRecord back = AuditJson.recordFromJson(json);
      assertThat(back.action()).isNull();
      assertThat(back.status()).isNull();
      assertThat(back.note()).isEqualTo("n");
    }
  }

  @Nested
  @DisplayName("malformed JSON")
  class Malformed {

    private JsonNode json(String text) {
      return Chain.parse(text);
    }

    private JsonNode array(String text) {
      return Chain.parse("{\"a\":" + text + "}").get("a");
    }

    @Test
    @DisplayName("says where, what was expected and what was found")
    void wrongKinds() {
      assertThatThrownBy(() -> AuditJson.valueFromJson(json("{\"type\":\"num\",\"value\":12}")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("malformed audit JSON at value.value: expected text, but found a number");
      assertThatThrownBy(() -> AuditJson.valueFromJson(json("{\"value\":1}")))
          .hasMessage(
              "malformed audit JSON at value: expected a member \"type\", but found no such"
                  + " member");
      assertThatThrownBy(() -> AuditJson.valueFromJson(json("{\"type\":null}")))
          .hasMessage("malformed audit JSON at value: expected a member \"type\", but found null");
      assertThatThrownBy(() -> AuditJson.valueFromJson(array("[1]")))
          .hasMessage("malformed audit JSON at value: expected an object, but found an array");
      assertThatThrownBy(
              () -> AuditJson.valueFromJson(json("{\"type\":\"float\",\"value\":\"1\"}")))
          .hasMessage(
              "malformed audit JSON at value.type: expected one of null, bool, num, nonFinite,"
                  + " text, bytes, uuid, date, timestamp, list, map, but found \"float\"");
      assertThatThrownBy(
              () -> AuditJson.valueFromJson(json("{\"type\":\"bool\",\"value\":\"true\"}")))
          .hasMessage("malformed audit JSON at value.value: expected a boolean, but found text");
      assertThatThrownBy(
              () ->
                  AuditJson.valueFromJson(
                      json(
                          "{\"type\":\"list\",\"value\":[{\"type\":\"null\"},{\"type\":\"date\",\"value\":\"29.2.2024\"}]}")))
          .hasMessageStartingWith(
              "malformed audit JSON at value.value[1].value: expected an ISO-8601 date");
    }

    @Test
    @DisplayName("names the path into nested entries, actions and records")
    void nestedPaths() {
      String entry =
          "{\"key\":[{\"type\":\"long\",\"value\":\"7\"}],\"fields\":{\"name\":{\"type\":\"map\",\"value\":{\"x\":{\"type\":\"timestamp\",\"value\":\"yesterday\"}}}}}";
      assertThatThrownBy(() -> AuditJson.entryFromJson(json(entry)))
          .hasMessageStartingWith(
              "malformed audit JSON at entry.fields.name.value.x.value: expected an ISO-8601"
                  + " instant");
      String action =
          "{\"op\":\"upsert\",\"id\":\"i\",\"target\":\"t\",\"entry\":"
              + entry.replace("yesterday", T.toString())
              + "}";
      assertThatThrownBy(() -> AuditJson.actionFromJson(json(action)))
          .hasMessage(
              "malformed audit JSON at action: expected a member \"expected\", but found no such"
                  + " member");
      String record =
          "{\"runId\":\"r\",\"type\":\"INTENT\",\"time\":\""
              + T
              + "\",\"action\":{\"op\":\"move\",\"id\":\"i\",\"target\":\"t\"}}";
      assertThatThrownBy(() -> AuditJson.recordFromJson(json(record)))
          .hasMessage(
              "malformed audit JSON at record.action.op: expected one of upsert, delete, but found"
                  + " \"move\"");
      assertThatThrownBy(
              () ->
                  AuditJson.recordFromJson(
                      json("{\"runId\":\"r\",\"type\":\"STARTED\",\"time\":\"" + T + "\"}")))
          .hasMessage(
              "malformed audit JSON at record.type: expected one of RUN_STARTED, INTENT, OUTCOME,"
                  + " FAILED, SKIPPED, RUN_FINISHED, UNDO_STARTED, UNDO_FINISHED, but found \"STARTED\"");
      assertThatThrownBy(
              () ->
                  AuditJson.recordFromJson(
                      json(
                          "{\"runId\":\"r\",\"type\":\"INTENT\",\"time\":\""
                              + T
                              + "\",\"status\":\"DONE\"}")))
          .hasMessageStartingWith(
              "malformed audit JSON at record.status: expected one of APPLIED, ALREADY_APPLIED,"
                  + " REFUSED");
    }

    @Test
    @DisplayName("rejects bad keys, versions and byte strings")
    void badParts() {
      assertThatThrownBy(() -> AuditJson.keyFromJson(array("[]")))
          .hasMessage(
              "malformed audit JSON at key: expected at least one key part, but the array is"
                  + " empty");
      assertThatThrownBy(
              () -> AuditJson.keyFromJson(array("[{\"type\":\"long\",\"value\":\"1.5\"}]")))
          .hasMessageStartingWith(
              "malformed audit JSON at key[0].value: expected a long as decimal text");
      assertThatThrownBy(
              () -> AuditJson.keyFromJson(array("[{\"type\":\"uuid\",\"value\":\"1-1-1-1-1\"}]")))
          .hasMessageStartingWith("malformed audit JSON at key[0].value: expected a UUID");
      assertThatThrownBy(
              () -> AuditJson.keyFromJson(array("[{\"type\":\"text\",\"value\":\"\\ud800\"}]")))
          .hasMessageStartingWith(
              "malformed audit JSON at key: key text has an unpaired surrogate");
      assertThatThrownBy(
              () -> AuditJson.valueFromJson(json("{\"type\":\"bytes\",\"value\":\"not base64!\"}")))
          .hasMessageStartingWith(
              "malformed audit JSON at value.value: expected bytes in standard Base64");
      assertThatThrownBy(
              () -> AuditJson.valueFromJson(json("{\"type\":\"nonFinite\",\"value\":\"1.0\"}")))
          .hasMessage(
              "malformed audit JSON at value.value: expected one of NaN, Infinity, -Infinity, but"
                  + " found \"1.0\"");
      assertThatThrownBy(
              () ->
                  AuditJson.valueFromJson(
                      json("{\"type\":\"num\",\"value\":\"12\",\"scaleSignificant\":\"yes\"}")))
          .hasMessage(
              "malformed audit JSON at value.scaleSignificant: expected a boolean, but found text");
      String badVector =
          "{\"key\":[{\"type\":\"long\",\"value\":\"7\"}],\"fields\":{},\"version\":{\"vector\":\"{a:0}\"}}";
      assertThatThrownBy(() -> AuditJson.entryFromJson(json(badVector)))
          .hasMessageStartingWith(
              "malformed audit JSON at entry.version.vector: expected a version vector in text"
                  + " form");
    }

    @Test
    @DisplayName("refuses actions the API refuses: a delete that expects absence")
    void impossibleAction() {
      String delete =
          "{\"op\":\"delete\",\"id\":\"i\",\"target\":\"t\",\"key\":[{\"type\":\"long\",\"value\":\"7\"}],\"expected\":{\"state\":\"absent\"}}";
      assertThatThrownBy(() -> AuditJson.actionFromJson(json(delete)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "malformed audit JSON at action: a delete of 7 from t must expect the entry");
    }

    @Test
    @DisplayName("never quotes user data it could not read")
    void noUserDataInMessages() {
      assertThatThrownBy(
              () ->
                  AuditJson.valueFromJson(json("{\"type\":\"num\",\"value\":\"card 4111-1111\"}")))
          .message()
          .doesNotContain("4111")
          .contains("value.value");
      assertThatThrownBy(
              () -> AuditJson.valueFromJson(json("{\"type\":\"date\",\"value\":\"secret-date\"}")))
          .message()
          .doesNotContain("secret");
    }
  }

  @Test
  @DisplayName("an audit line is plain UTF-8 even for text with unpaired surrogates")
  void linesSurviveUtf8() {
    AuditRecord r =
        new AuditRecord(
            "run", AuditRecord.Type.RUN_STARTED, T, null, null, null, null, null, "x\uDFFFy 😀 é");
    String line = new Chain().next(r).line();
    assertThat(line).contains("\\udfff").contains("\\ud83d\\ude00").contains("é");
    String decoded = new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    assertThat(decoded).isEqualTo(line);
    assertThat(Chain.record(Chain.parse(decoded)).note()).isEqualTo("x\uDFFFy 😀 é");
  }
}
