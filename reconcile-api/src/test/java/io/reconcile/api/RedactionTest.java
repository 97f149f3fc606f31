package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.store.StoreOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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
    StoreOptions o = StoreOptions.newBuilder().property("password", "hunter2").property("fetchSize", "500").build();
    assertThat(o.toString()).contains("password=***").contains("fetchSize=500").doesNotContain("hunter2");
  }

  @Test
  void masksWholePasswordsWhateverTheyHold() {
    assertThat(Redaction.uri("jdbc:mariadb://app:p@ss/w?rd#1@127.0.0.1:3306/shop"))
        .isEqualTo("jdbc:mariadb://app:***@127.0.0.1:3306/shop");
    assertThat(Redaction.uri("jdbc:postgresql://db/app?password=ab#cd&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/app?password=***&ssl=true");
    assertThat(Redaction.uri("jdbc:sqlserver://db;user=sa;password={a;b&c};encrypt=true"))
        .isEqualTo("jdbc:sqlserver://db;user=sa;password=***;encrypt=true");
    assertThat(Redaction.uri("jdbc:mariadb://db/app?password='x;y'&a=1"))
        .isEqualTo("jdbc:mariadb://db/app?password=***&a=1");
    assertThat(Redaction.uri("jdbc:oracle:thin:scott/tiger@//db:1521/orcl"))
        .isEqualTo("jdbc:oracle:thin:scott/***@//db:1521/orcl");
  }

  @Test
  void leavesUserNamesWithAtSignsInParametersAlone() {
    assertThat(Redaction.uri("jdbc:postgresql://srv.example.com:5432/db?user=admin@srv&password=x"))
        .isEqualTo("jdbc:postgresql://srv.example.com:5432/db?user=admin@srv&password=***");
    assertThat(Redaction.uri("jdbc:postgresql://db:5432/app?sslmode=require")).isEqualTo("jdbc:postgresql://db:5432/app?sslmode=require");
  }

  @Test
  void scrubbingKeepsTheRestOfADriversMessage() {
    String url = "jdbc:mariadb://app:SECRET@127.0.0.1/db";
    Set<String> secrets = Redaction.secretsIn(url);
    assertThat(secrets).containsExactly("SECRET");
    assertThat(Redaction.scrub("Incorrect port value : SECRET@127.0.0.1", secrets))
        .isEqualTo("Incorrect port value : ***@127.0.0.1");
    String pg = "jdbc:postgresql://db/app?user=ada&password=h%23nter2";
    assertThat(Redaction.secretsIn(pg)).containsExactlyInAnyOrder("h%23nter2", "h#nter2");
    assertThat(Redaction.scrub("FATAL: database \"app\" does not exist (password h#nter2)", Redaction.secretsIn(pg)))
        .isEqualTo("FATAL: database \"app\" does not exist (password ***)");
  }

  @Test
  void aPasswordThatReadsLikeAPortAndAQueryIsStillMasked() {
    // Found by the property below: "0/!!!!!!!!!!?" looked like port 0, database "!!!!!!!!!!" and a query.
    assertThat(Redaction.uri("jdbc:mariadb://app:0/!!!!!!!!!!?@127.0.0.1:3306/shop"))
        .isEqualTo("jdbc:mariadb://app:***@127.0.0.1:3306/shop");
    assertThat(Redaction.uri("jdbc:postgresql://db:5432/app?user=ada@corp.example"))
        .isEqualTo("jdbc:postgresql://db:5432/app?user=ada@corp.example");
  }

  @Property(tries = 2000)
  void noPrintablePasswordSurvivesInUserInfo(@ForAll("passwords") String password) {
    String url = "jdbc:mariadb://app:" + password + "@127.0.0.1:3306/shop";
    assertThat(Redaction.uri(url)).doesNotContain(password).endsWith("@127.0.0.1:3306/shop");
    String message = "could not connect to " + url + ": Incorrect port value : " + password + "@127.0.0.1";
    assertThat(Redaction.scrub(message, Redaction.secretsIn(url))).doesNotContain(password);
  }

  @Property(tries = 2000)
  void noPrintablePasswordSurvivesInParameters(@ForAll("passwords") String password) {
    String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8);
    for (String url : new String[] {
        "jdbc:postgresql://db:5432/app?user=ada&password=" + encoded + "&sslmode=disable",
        "jdbc:h2:tcp://db/app;USER=sa;PASSWORD=" + encoded}) {
      assertThat(Redaction.uri(url)).doesNotContain(encoded);
      String message = "refused " + url + " for " + password + " (" + encoded + ")";
      assertThat(Redaction.scrub(message, Redaction.secretsIn(url))).doesNotContain(password).doesNotContain(encoded);
    }
  }

  @Provide
  Arbitrary<String> passwords() {
    return Arbitraries.strings().withCharRange('!', '~').ofMinLength(8).ofMaxLength(24);
  }
}
