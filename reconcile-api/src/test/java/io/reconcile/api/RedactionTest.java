package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.store.StoreOptions;
import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void masksPasswordsInUserInfoAndParameters() {
    assertThat(Redaction.uri("postgresql://ada:s3cr3t@db:5432/app?sslmode=require&password=x"))
        .isEqualTo("postgresql://ada:***@db:5432/app?sslmode=require&password=***");
    assertThat(Redaction.uri("jdbc:mariadb://db/app?user=ada&password=hunter2&useSSL=true"))
        .isEqualTo("jdbc:mariadb://db/app?user=ada&password=***&useSSL=true");
    assertThat(Redaction.uri("jdbc:h2:mem:x;USER=sa;PASSWORD=pw;MODE=PostgreSQL"))
        .isEqualTo("jdbc:h2:mem:x;USER=sa;PASSWORD=***;MODE=PostgreSQL");
    assertThat(Redaction.uri("kafka://broker:9092?sasl.jaas.token=abc&api_key=k"))
        .isEqualTo("kafka://broker:9092?sasl.jaas.token=***&api_key=***");
    assertThat(Redaction.uri("mem:orders")).isEqualTo("mem:orders");
  }

  @Test
  void optionsNeverPrintSecrets() {
    StoreOptions o = StoreOptions.builder().property("password", "hunter2").property("fetchSize", "500").build();
    assertThat(o.toString()).contains("password=***").contains("fetchSize=500").doesNotContain("hunter2");
  }
}
