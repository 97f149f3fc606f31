package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Capability;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("H2 over TCP computes canonical digests in SQL, bit-identical to client-side hashing")
class H2DigestTest extends DigestPushdownContract {

  static final String DDL =
      "CREATE TABLE items (id BIGINT PRIMARY KEY, i INT, s SMALLINT, n NUMERIC(12,2),"
          + " n6 NUMERIC(20,6), nn NUMERIC(40,4), t CLOB, v VARCHAR(40), b BOOLEAN, dt DATE,"
          + " ts TIMESTAMP(6), tz TIMESTAMP(6) WITH TIME ZONE, u UUID, bin VARBINARY(16))";

  @Override
  DataSource freshItems() {
    return H2Server.fresh(DDL);
  }

  @Override
  String dialect() {
    return "h2";
  }

  @Override
  boolean searchesBounds() {
    return false;
  }

  @Override
  int rangesPerQuery() {
    return H2Dialect.RANGES_PER_QUERY;
  }

  @Override
  Map<String, List<String>> changes() {
    Map<String, List<String>> c = new LinkedHashMap<>();
    c.put("i", List.of("i + 1", "-i", "NULL"));
    c.put("s", List.of("s - 1", "NULL"));
    c.put("n", List.of("n + 0.01", "NULL"));
    c.put("n6", List.of("n6 + 0.000001", "NULL"));
    c.put("nn", List.of("nn * 10", "NULL"));
    c.put("t", List.of("t || ' '", "''", "NULL"));
    c.put("v", List.of("'trailing'", "''", "NULL"));
    c.put("b", List.of("NOT b", "NULL"));
    c.put("dt", List.of("DATEADD(DAY, 1, dt)", "NULL"));
    c.put("ts", List.of("DATEADD(MICROSECOND, 1, ts)", "NULL"));
    c.put("tz", List.of("DATEADD(MICROSECOND, -1, tz)", "NULL"));
    c.put("u", List.of("'00000000-0000-0000-0000-000000000001'", "NULL"));
    c.put("bin", List.of("bin || X'00'", "X''", "NULL"));
    return c;
  }

  @Override
  Map<DataSource, List<String>> textKeyTables() {
    return Map.of(H2Server.fresh("CREATE TABLE words (k VARCHAR(10) PRIMARY KEY, v VARCHAR(20))"),
        List.of("a", "B", "b", "Z", "é", "e", "ß", "🙂", "\uE000", "\uFFFD", "a b", "ab", "", "a ", "a\t",
            "\uD7FF", "😀x"));
  }

  @Override
  DataSource floatTable() {
    return H2Server.fresh("CREATE TABLE f (id INT PRIMARY KEY, x DOUBLE PRECISION, y VARCHAR(5))",
        "INSERT INTO f VALUES (1, 0.1, 'a'), (2, NULL, 'b')");
  }

  @Test
  @DisplayName("BLOB, CHAR(n), TINYINT and composite text keys push down; JSON hashes client-side")
  void otherTypes() {
    DataSource ds = H2Server.fresh(
        "CREATE TABLE o (r VARCHAR(5), id BIGINT, bl BLOB, c CHAR(4), ti TINYINT, PRIMARY KEY (r, id))",
        "INSERT INTO o VALUES ('😀', 1, X'00ff', 'ab', -128), ('\uFFFD', 2, X'', '', 127),"
            + " ('', -3, NULL, NULL, NULL)",
        "CREATE TABLE j (id INT PRIMARY KEY, doc JSON)",
        "INSERT INTO j VALUES (1, JSON '{\"a\":[1,2]}'), (2, NULL)");
    JdbcStore db = JdbcStore.newBuilder(ds).table("o").build();
    JdbcStore client = JdbcStore.newBuilder(ds).table("o").serverSideDigest(false).build();
    assertThat(db.dialectName()).isEqualTo("h2");
    assertThat(db.digest(KeyRange.all())).isEqualTo(client.digest(KeyRange.all()));
    assertThat(db.digest(KeyRange.atLeast(io.reconcile.api.Key.of("\uFFFD"))).count()).isEqualTo(2);
    JdbcStore json = JdbcStore.newBuilder(ds).table("j").build();
    assertThat(json.capabilities()).doesNotContain(Capability.SERVER_SIDE_DIGEST);
    assertThat(json.digest(KeyRange.all()))
        .isEqualTo(JdbcStore.newBuilder(ds).table("j").serverSideDigest(false).build().digest(KeyRange.all()));
  }

  @Test
  @DisplayName("an embedded H2 hashes client-side (faster in the same JVM), text keys still by code point")
  void embeddedHashesClientSide() {
    JdbcStore embedded = JdbcStore.newBuilder(H2.fresh(DDL)).table("items").build();
    assertThat(embedded.capabilities()).doesNotContain(Capability.SERVER_SIDE_DIGEST);
    assertThat(embedded.dialectName()).isEqualTo("h2 (client-side digests: embedded, where hashing in the JVM is faster)");
    assertThat(embedded.queries().page(List.of(KeyRange.all()), io.reconcile.api.Key.of(1), false, 10).text())
        .contains("FETCH FIRST 10 ROWS ONLY");
  }
}
