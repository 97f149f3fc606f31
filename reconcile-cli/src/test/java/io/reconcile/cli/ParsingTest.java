package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.store.Store;
import io.reconcile.core.memory.MemoryStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options that are parsed from text: normalisation rules, resolvers, passwords, the progress line. */
class ParsingTest {

  @Test
  void normalizeRules() {
    Normalization n = NormalizeRules.parse(List.of("trim=trailing", "nfc", "timestamps=millis", "digits=6", "ignore=updated_at", "rename=full_name:name"));
    assertThat(n.defaults().trim()).isEqualTo(Normalization.Trim.TRAILING);
    assertThat(n.defaults().nfc()).isTrue();
    assertThat(n.defaults().timestampPrecision()).isEqualTo(ChronoUnit.MILLIS);
    assertThat(n.defaults().significantDigits()).isEqualTo(6);
    assertThat(n.ignored()).containsExactly("updated_at");
    assertThat(n.renames()).containsExactly(Map.entry("full_name", "name"));
    assertThat(NormalizeRules.parse(List.of("trim")).defaults().trim()).isEqualTo(Normalization.Trim.BOTH);
    assertThatThrownBy(() -> NormalizeRules.parse(List.of("timestamps=fortnights")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("normalisation rule 'timestamps=fortnights' is not valid")
        .hasMessageEndingWith("rules are: " + NormalizeRules.HELP);
    assertThatThrownBy(() -> NormalizeRules.parse(List.of("rename=x"))).hasMessageContaining("expected COLUMN:NAME");
    assertThatThrownBy(() -> NormalizeRules.parse(List.of("trim", "trim=trailing")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("normalisation rule 'trim=trailing' is not valid (trim was already set to BOTH; set it once)");
    assertThatThrownBy(() -> NormalizeRules.parse(List.of("rename=a:x", "rename=b:x")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("normalisation rules [rename=a:x, rename=b:x] do not fit together (renames 'a' -> 'x'"
            + " and 'b' -> 'x' both make dataset field 'x'; give one of them another name)");
  }

  @Test
  void textRuleComparesAColumnAsText() {
    Normalization n = NormalizeRules.parse(List.of("text=id", "text = ref", "trim"));
    assertThat(n.ruleFor("id").asText()).isTrue();
    assertThat(n.ruleFor("ref").asText()).isTrue();
    assertThat(n.ruleFor("ref").trim()).isEqualTo(Normalization.Trim.BOTH);
    assertThat(n.ruleFor("other").asText()).isFalse();
    assertThat(n).isEqualTo(Normalization.newBuilder().asText("id", "ref").trim(Normalization.Trim.BOTH).build());
    assertThat(NormalizeRules.HELP).contains("text=COLUMN");
    assertThatThrownBy(() -> NormalizeRules.parse(List.of("text=")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("normalisation rule 'text=' is not valid (a field path must not be empty; give a field name, or names separated by dots such as 'meta.updatedAt')");
  }

  @Test
  void libraryHintsInCliWords() {
    assertThat(CliWords.of("compare 'ref' as text in store 'a' (Normalization.Builder.asText(\"ref\"))"))
        .isEqualTo("compare 'ref' as text in store 'a' (--normalize text=ref)");
    assertThat(CliWords.of("compare the UUID side as text (Normalization.Builder.asText with its name)"))
        .isEqualTo("compare the UUID side as text (--normalize text=COLUMN)");
    assertThat(CliWords.of("odd name (Normalization.Builder.asText(\"a$1\\b\"))"))
        .isEqualTo("odd name (--normalize text=a$1\\b)");
    assertThat(CliWords.of("leave it out (StoreOptions.fields, Normalization.ignore)"))
        .isEqualTo("leave it out (-c, --normalize ignore=COLUMN)");
  }

  @Test
  void resolvers() {
    assertThat(ResolverSpec.parse("source-wins")).isEqualTo(new ResolverSpec("first", null));
    assertThat(ResolverSpec.parse("source-wins:second")).isEqualTo(new ResolverSpec("second", null));
    assertThat(ResolverSpec.parse("lww:updated_at")).isEqualTo(new ResolverSpec(null, "updated_at"));
    assertThatThrownBy(() -> ResolverSpec.parse("newest"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("resolver 'newest' is not known; use one of: " + ResolverSpec.HELP);
    assertThatThrownBy(() -> ResolverSpec.parse("lww:")).isInstanceOf(ConfigurationException.class);
  }

  @Test
  void lwwReadsTheTimestampColumnAsTheVersion() {
    MemoryStore m = MemoryStore.create("m");
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    m.put(Entry.of(Key.of(1), Map.of("updated_at", t, "name", "a")));
    m.put(Entry.of(Key.of(2), Map.of("name", "no timestamp")));
    Store s = ResolverSpec.parse("lww:updated_at").prepare(m);
    assertThat(s.get(List.of(Key.of(1))).get(Key.of(1)).version().timestamp()).isEqualTo(t);
    try (var scan = s.scan(KeyRange.all())) {
      assertThat(scan.map(e -> String.valueOf(e.version().timestamp()))).containsExactly(t.toString(), "null");
    }
    assertThat(ResolverSpec.parse("source-wins").prepare(m)).isSameAs(m);
  }

  @Test
  void passwordsFromEnvironmentOrFileAndScrubbed(@TempDir Path dir) throws Exception {
    assertThat(Secrets.password("PW", null, Map.of("PW", "env-secret-1"), "x")).isEqualTo("env-secret-1");
    Path file = dir.resolve("pw");
    Files.writeString(file, "file-secret-2\nignored\n");
    assertThat(Secrets.password(null, file, Map.of(), "x")).isEqualTo("file-secret-2");
    assertThat(Secrets.password(null, null, Map.of(), "x")).isNull();
    assertThat(Secrets.scrub("denied for env-secret-1 and file-secret-2")).isEqualTo("denied for *** and ***");
    assertThatThrownBy(() -> Secrets.password("UNSET", null, Map.of(), "x"))
        .hasMessage("environment variable UNSET is not set; export it with the password, or use a password file");
    assertThatThrownBy(() -> Secrets.password("PW", file, Map.of("PW", "p"), "--password-env1/--password-file1"))
        .hasMessageContaining("not both (--password-env1/--password-file1)");
    assertThatThrownBy(() -> Secrets.password(null, dir.resolve("none"), Map.of(), "x"))
        .hasMessageStartingWith("cannot read the password file").hasMessageNotContaining("secret");
  }

  @Test
  void theKeyOptionOfAStoreUriIsNoSecret() {
    String mongo = "mongodb://app:pw-in-uri-9@127.0.0.1:27017/shop.orders?key=_id.region,_id.id&tlsCertificateKeyFilePassword=tls-pw-8";
    Job.Side side = new Job.Side("second", mongo, null, null, null, null);
    assertThat(side.shownUri()).isEqualTo("mongodb://app:***@127.0.0.1:27017/shop.orders?key=_id.region,_id.id&tlsCertificateKeyFilePassword=***");
    assertThat(Secrets.scrub("key _id.region of pw-in-uri-9 and tls-pw-8")).isEqualTo("key _id.region of *** and ***");
    assertThat(Secrets.shown("kafka://127.0.0.1:9092/accounts?format=json&key=id")).endsWith("&key=id");
    assertThat(Secrets.shown("jdbc:postgresql://db/shop?key=k-secret-7")).endsWith("?key=***");
  }

  @Test
  void errorMessagesBecomeOneScrubbedLine() {
    Secrets.password("PW", null, Map.of("PW", "hunter2-xyz"), "x");
    assertThat(Main.oneLine("  FATAL: bad password hunter2-xyz\n  Position: 3\r\n")).isEqualTo("FATAL: bad password *** Position: 3");
  }

  @Test
  void trustKeyHintsInCliWords() {
    assertThat(Main.oneLine("key columns [id] of table 'v' are neither its primary key (it has none) nor covered by a"
        + " unique index, so a key could match several rows; choose columns that are, add a unique index on them, or,"
        + " if they are unique (a view's key, say), trust them with trustKey(true) or StoreOptions.property(\"trustKey\","
        + " \"true\") (duplicate keys are then looked for once and fail every read that meets one)"))
        .contains("trust them with --trust-key (duplicate keys").doesNotContain("trustKey", "StoreOptions");
    assertThat(Main.oneLine("name the key columns with keyColumns(...) or StoreOptions.keyFields that form a unique index"))
        .isEqualTo("name the key columns with -k that form a unique index");
    Job.Table trusted = new Job.Table("v", null, List.of("id"), List.of(), null, List.of(), true);
    assertThat(trusted.options()).containsExactly("-t", "v", "-k", "id", "--trust-key");
  }

  @Test
  void progressLine() {
    assertThat(ProgressBar.line("orders", 6, 24, 250, 1000, 3_000_000_000L))
        .isEqualTo("orders [######------------------] 6/24 segments · 250/1,000 rows · ETA 0:09");
    assertThat(ProgressBar.line("orders", 24, 24, 1000, 1000, 3_000_000_000L))
        .isEqualTo("orders [########################] 24/24 segments · 1,000/1,000 rows");
    assertThat(ProgressBar.line("demo", 1, 2, 0, 0, 7_200_000_000_000L)).endsWith("1/2 segments · ETA 2:00:00");
  }

  @Test
  void progressBarDrawsOnItsWriterAndClearsTheLine() {
    MemoryStore m = MemoryStore.create("m");
    for (int i = 0; i < 100; i++) {
      m.put(Entry.of(Key.of(i), Map.of("v", i)));
    }
    StringWriter err = new StringWriter();
    long[] now = {0};
    ProgressBar bar = new ProgressBar(new PrintWriter(err), "t", () -> now[0]);
    var segments = bar.observe(m).segments(KeyRange.all(), 4);
    bar.runStarted("r", List.of("m"), segments.size());
    now[0] = 1_000_000_000L;
    bar.segmentCompared("r", segments.get(0).range(), 0, java.time.Duration.ZERO);
    assertThat(err.toString()).isEqualTo("\rt [######------------------] 1/4 segments · 25/100 rows · ETA 0:03");
    bar.runFinished(null);
    assertThat(err.toString()).endsWith("\r" + " ".repeat(66) + "\r");
    StringWriter quiet = new StringWriter();
    ProgressBar silent = ProgressBar.onTerminal(new PrintWriter(quiet), true, "q");
    silent.runStarted("r", List.of("m"), 4);
    silent.segmentCompared("r", segments.get(0).range(), 0, java.time.Duration.ZERO);
    assertThat(quiet.toString()).as("--quiet draws nothing").isEmpty();
  }
}
