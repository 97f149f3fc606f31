package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** JSON columns hold documents: compared by content, not spelling; written back as JSON; their text on request. */
class JsonColumnTest {

  private static final String DDL = "CREATE TABLE docs (id BIGINT PRIMARY KEY, doc JSON)";

  private static List<Entry> scan(JdbcStore s) {
    try (Stream<Entry> e = s.scan(KeyRange.all())) {
      return e.toList();
    }
  }

  @Test
  void aJsonColumnIsTheDocumentItHoldsWhateverItsSpelling() {
    DataSource ds = H2.fresh(DDL);
    H2.exec(ds, "INSERT INTO docs VALUES (1, JSON '{\"b\": [1, 2.50, null], \"a\": {\"x\": true}}'),"
        + " (2, JSON '{\"a\":{\"x\":true},\"b\":[1,2.5,null]}'), (3, JSON '\"just text\"'), (4, NULL)");
    JdbcStore s = JdbcStore.newBuilder(ds).table("docs").build();
    List<Entry> rows = scan(s);
    Value doc = Value.from(Map.of("a", Map.of("x", true), "b", Arrays.asList(1, new BigDecimal("2.5"), null)));
    assertThat(rows.get(0).field("doc")).isEqualTo(doc);
    assertThat(rows.get(1).field("doc")).isEqualTo(doc);
    assertThat(rows.get(0).hash()).isNotEqualTo(rows.get(1).hash()); // keys differ; the documents do not
    assertThat(rows.get(2).field("doc")).isEqualTo(Value.of("just text"));
    assertThat(rows.get(3).field("doc")).isEqualTo(Value.ofNull());
  }

  @Test
  void documentsAreWrittenAsJsonAndReadBackEqual() {
    DataSource ds = H2.fresh(DDL);
    JdbcStore s = JdbcStore.newBuilder(ds).id("docs").table("docs").build();
    Entry nested = Entry.of(Key.of(1L), Map.of("doc", Map.of("items", List.of(Map.of("sku", "A-1", "qty", 2)), "note", "ü 🙂")));
    Entry text = Entry.of(Key.of(2L), Map.of("doc", "{not json, a string}"));
    assertThat(s.apply(List.of(RepairAction.upsert("docs", nested, Expected.absent()),
            RepairAction.upsert("docs", text, Expected.absent()))))
        .extracting(ActionOutcome::status).containsOnly(ActionOutcome.Status.APPLIED);
    List<Entry> back = scan(s);
    assertThat(back.get(0).sameData(nested)).isTrue();
    assertThat(back.get(1).sameData(text)).isTrue();
  }

  @Test
  void aValueJsonHasNoTypeForIsRefusedBeforeWritingNamingTheColumn() {
    DataSource ds = H2.fresh(DDL);
    JdbcStore s = JdbcStore.newBuilder(ds).id("docs").table("docs").build();
    RepairAction dated = RepairAction.upsert("docs",
        Entry.of(Key.of(1L), Map.of("doc", Map.of("born", LocalDate.of(2024, 2, 29)))), Expected.absent());
    assertThat(s.unwritable(dated)).hasValueSatisfying(m -> assertThat(m).contains("doc").contains("JSON").doesNotContain("2024"));
    assertThatThrownBy(() -> s.apply(List.of(dated))).hasMessageContaining("doc");
    assertThat(scan(s)).isEmpty();
  }

  @Test
  void asTextComparesAJsonColumnAsItsSpelling() {
    DataSource ds = H2.fresh(DDL);
    H2.exec(ds, "INSERT INTO docs VALUES (1, JSON '{\"b\":1,\"a\":2}')");
    JdbcStore s = JdbcStore.newBuilder(ds).table("docs").normalization(Normalization.newBuilder().asText("doc").build()).build();
    assertThat(scan(s).get(0).field("doc")).isEqualTo(Value.of("{\"b\":1,\"a\":2}"));
  }
}
