package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.ReconcileException.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFileTest {

  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("job.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void aFullFileBecomesAJob() throws Exception {
    Files.writeString(dir.resolve("db2.password"), "from-file\n");
    Path f = write("""
        first:  {url: "jdbc:postgresql://db1/shop?password=inline", user: app, password-env: PG_PW}
        second: {url: "jdbc:mariadb://db2/shop", user: app, password-file: db2.password}
        tables:
          - {name: orders, key: [region, id], normalize: [trim, "timestamps=millis"]}
          - {name: customers, second-name: clients, key: [id], columns: [name, email], where: "active", trust-key: true}
        threads: 2
        output: {stats: true, limit: 10}
        repair: {resolver: "lww:updated_at", max-changes: 50, audit: logs/audit.jsonl}
        """);
    RunFile file = RunFile.read(f);
    Job job = file.job(f, Map.of("PG_PW", "from-env"), true);
    assertThat(job.first().password()).isEqualTo("from-env");
    assertThat(job.second().password()).isEqualTo("from-file");
    assertThat(job.first().toString()).isEqualTo("first jdbc:postgresql://db1/shop?password=***");
    assertThat(job.tables()).containsExactly(
        new Job.Table("orders", null, List.of("region", "id"), List.of(), null, List.of("trim", "timestamps=millis"), false),
        new Job.Table("customers", "clients", List.of("id"), List.of("name", "email"), "active", List.of(), true));
    assertThat(job.tables().get(1).nameOn(job.second())).isEqualTo("clients");
    assertThat(job.tables().get(1).nameOn(job.first())).isEqualTo("customers");
    assertThat(job.threads()).isEqualTo(2);
    assertThat(job.quiet()).isTrue();
    assertThat(file.output()).isEqualTo(new RunFile.Output(true, false, 10));
    assertThat(file.repair()).isEqualTo(new RunFile.Repair("lww:updated_at", false, 50L, null, "logs/audit.jsonl", false));
    assertThat(RunFile.resolve(f, "logs/audit.jsonl")).isEqualTo(dir.toAbsolutePath().resolve("logs/audit.jsonl"));
  }

  @Test
  void mistakesAreNamedWhereTheyAre() throws Exception {
    Path typo = write("first: {url: x}\nsecond: {url: y}\ntabels: []\n");
    assertThatThrownBy(() -> RunFile.read(typo))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("run file " + typo + ": unknown key 'tabels'; known keys there: first, output, repair, second, tables, threads");
    Path nested = write("first: {url: x}\nsecond: {url: y}\ntables: [{name: t, key: [id]}, {nmae: u}]\n");
    assertThatThrownBy(() -> RunFile.read(nested)).hasMessageContaining("unknown key 'tables[1].nmae'; known keys there: columns, key, name");

    Path noUrl = write("first: {user: app}\nsecond: {url: y}\ntables: [{name: t, key: [id]}]\n");
    assertThatThrownBy(() -> RunFile.read(noUrl).job(noUrl, Map.of(), false))
        .hasMessage("run file " + noUrl + " lacks first.url: give the first database's JDBC URL");

    Path noKey = write("first: {url: x}\nsecond: {url: y}\ntables: [{name: t}]\n");
    assertThatThrownBy(() -> RunFile.read(noKey).job(noKey, Map.of(), false)).hasMessageContaining("lacks tables[].name and tables[].key");

    Path broken = write("first: [unclosed\n");
    assertThatThrownBy(() -> RunFile.read(broken)).isInstanceOf(ConfigurationException.class).hasMessageStartingWith("run file " + broken + ", line ");

    assertThatThrownBy(() -> RunFile.read(dir.resolve("none.yaml"))).hasMessageEndingWith("none.yaml does not exist");
  }
}
