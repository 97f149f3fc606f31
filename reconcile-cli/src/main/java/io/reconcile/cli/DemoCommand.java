package io.reconcile.cli;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolver;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.audit.FileAuditLog;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reconcile demo}: two in-memory stores with planted drift of every kind, taken through
 * detect → decide → dry run → apply → verify, narrating each stage on stdout and showing progress on
 * stderr.
 */
@Command(
    name = "demo",
    header = "Two in-memory stores with planted drift, through every stage.",
    description = "Reconcile two in-memory stores with planted drift of every kind, stage by stage.",
    mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(names = "--rows", description = "rows per store (default: ${DEFAULT-VALUE})", defaultValue = "100000")
  private int rows;

  @Option(names = "--audit", description = "audit log file (default: a new temporary file)")
  private @Nullable Path audit;

  @Option(names = "--quiet", description = "no progress on stderr (it is off anyway when stderr is not a terminal)")
  private boolean quiet;

  private static final Instant T0 = Instant.parse("2026-11-01T09:00:00Z");

  @Override
  public Integer call() throws IOException {
    if (rows < 20) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rows must be at least 20, but was " + rows);
    }
    PrintWriter out = spec.commandLine().getOut();
    MemoryStore primary = MemoryStore.create("primary");
    MemoryStore replica = MemoryStore.create("replica");
    Map<String, String> planted = plant(primary, replica);

    out.printf("reconcile demo: two in-memory stores of %,d customers each, with planted drift%n", rows);
    planted.forEach((what, keys) -> out.printf("  %-34s %s%n", what, keys));
    out.println();

    // Missing and extra rows: the primary decides what exists. Changed rows: version vectors
    // decide; concurrent edits are merged (the later update's fields, both histories).
    Resolver existence =
        d -> d.kind() == Divergence.Kind.MISSING || d.kind() == Divergence.Kind.EXTRA
            ? Resolvers.sourceOfTruth("primary").resolve(d)
            : Optional.empty();
    Resolver resolver = Resolver.firstOf(existence, Resolvers.versionVectors(DemoCommand::laterUpdateWins));
    Path auditFile = audit != null ? audit : Files.createTempFile("reconcile-demo-", ".jsonl");
    try {
      return stages(primary, replica, resolver, auditFile, out);
    } finally {
      if (audit == null) {
        Files.deleteIfExists(auditFile); // a temporary log holds the demo's rows: leave nothing behind
      }
    }
  }

  private int stages(MemoryStore primary, MemoryStore replica, Resolver resolver, Path auditFile, PrintWriter out) {
    // Progress only when a person watches stderr; never when it is piped or captured.
    ProgressBar progress = ProgressBar.onTerminal(spec.commandLine().getErr(), quiet, "  ");

    out.println("1. detect — compare segment digests, bisect only where they differ, diff rows at the leaves");
    ReconcileReport detected = reconciler(primary, replica, resolver, Mode.REPORT_ONLY, AuditLog.inMemory(), progress).run();
    out.printf("   %d divergences in %d of %d segments; read %,d of %,d rows (%.2f%%) in %d ms%n",
        detected.divergences(), detected.segmentsDiffering(), detected.segments(), detected.rowsRead(), 2L * rows,
        100.0 * detected.rowsRead() / (2.0 * rows), detected.stageTimes().get("detect").toMillis());
    for (ReconcileReport.Finding f : detected.findings()) {
      out.printf("   %-9s %-6s %s%n", f.kind(), f.key(), f.detail());
    }
    out.println();

    out.println("2. decide — the primary decides existence; version vectors decide content");
    for (ReconcileReport.Finding f : detected.findings()) {
      out.printf("   %-6s → %s%n", f.key(), f.decision());
    }
    out.println();

    out.println("3. dry run — the exact plan; every action is conditional on what detection saw");
    ReconcileReport dry = reconciler(primary, replica, resolver, Mode.DRY_RUN, AuditLog.inMemory(), progress).run();
    dry.plan().forEach(line -> out.println("   " + line));
    out.println();

    out.println("4. apply — batched, conditional, audited writes");
    try (FileAuditLog log = FileAuditLog.open(auditFile)) {
      ReconcileReport applied = reconciler(primary, replica, resolver, Mode.APPLY, log, progress).run();
      out.printf("   %d applied, %d refused, %d escalated; audit log %s%n",
          applied.repairs().applied(), applied.repairs().refused(), applied.repairs().escalated(), audit != null ? auditFile : "(temporary, deleted at the end)");
      out.println();
      out.println("5. verify — repaired ranges digested again");
      out.printf("   %d of %d repaired ranges converged%n", applied.verification().rangesConverged(), applied.verification().rangesVerified());
      ReconcileReport again = reconciler(primary, replica, resolver, Mode.REPORT_ONLY, AuditLog.inMemory(), progress).run();
      out.printf("   a second run finds %d divergences; digests now %s%n", again.divergences(),
          primary.digest(KeyRange.all()).equals(replica.digest(KeyRange.all())) ? "equal" : "DIFFERENT");
      AuditLog.Verification v = log.verify();
      out.printf("   audit chain %s (%d records)%n", v.intact() ? "intact" : "BROKEN: " + v.problem(), v.records());
      boolean ok = again.divergences() == 0 && applied.converged() && v.intact();
      out.println();
      out.println(ok ? "done: the stores agree." : "the stores still differ; see above.");
      out.flush();
      return ok ? 0 : 1;
    }
  }

  private Reconciler reconciler(Store a, Store b, Resolver resolver, Mode mode, AuditLog log, ProgressBar progress) {
    return Reconciler.newBuilder()
        .stores(a, b)
        .resolver(resolver)
        .mode(mode)
        .auditLog(log)
        .segments(64)
        .listener(progress)
        .seed(42)
        .build();
  }

  /** The merge for concurrent edits: the fields of the later update, with both histories. */
  private static Entry laterUpdateWins(Entry a, Entry b) {
    Instant ta = a.version().timestamp();
    Instant tb = b.version().timestamp();
    Entry later = tb != null && (ta == null || tb.isAfter(ta)) ? b : a;
    VersionVector merged = a.version().vector().merge(b.version().vector());
    Instant latest = ta == null ? tb : tb == null ? ta : (ta.isAfter(tb) ? ta : tb);
    return Entry.of(later.key(), later.fields(), new Version(merged, latest));
  }

  /** Fills both stores with the same customers, then plants one drift of each kind. */
  private Map<String, String> plant(MemoryStore primary, MemoryStore replica) {
    Random random = new Random(7);
    List<Entry> batch = new ArrayList<>();
    for (int id = 1; id <= rows; id++) {
      batch.add(customer(id, "Customer " + id, BigDecimal.valueOf(random.nextInt(1_000_000), 2), vv("primary", 1), 0));
      if (batch.size() == 10_000) {
        primary.putAll(batch);
        replica.putAll(batch);
        batch.clear();
      }
    }
    primary.putAll(batch);
    replica.putAll(batch);

    int a = rows / 7;
    int b = rows / 3;
    int c = rows / 2;
    int d = rows - rows / 5;
    Map<String, String> planted = new LinkedHashMap<>();
    for (int id : new int[] {a, c + 1, d + 2}) {
      replica.remove(Key.of(id));
    }
    planted.put("missing from the replica:", a + ", " + (c + 1) + ", " + (d + 2));
    replica.put(customer(rows + 1, "Ghost 1", BigDecimal.ONE, vv("replica", 1), 5));
    replica.put(customer(rows + 2, "Ghost 2", BigDecimal.TEN, vv("replica", 1), 5));
    planted.put("extra in the replica:", (rows + 1) + ", " + (rows + 2));
    replica.put(customer(b, "Customer " + b, new BigDecimal("12.34"), vv("primary", 1, "replica", 1), 10));
    primary.put(customer(d, "Customer " + d + " (renamed)", new BigDecimal("99.00"), vv("primary", 2), 10));
    planted.put("changed (one side newer):", b + " on the replica, " + d + " on the primary");
    primary.put(customer(c, "Customer " + c, new BigDecimal("1.00"), vv("primary", 2), 20));
    replica.put(customer(c, "Customer " + c + " (moved)", new BigDecimal("2.00"), vv("primary", 1, "replica", 1), 30));
    planted.put("concurrent edits on both sides:", Integer.toString(c));
    return planted;
  }

  private static Entry customer(int id, String name, BigDecimal balance, VersionVector v, int minutes) {
    Map<String, Value> f = new LinkedHashMap<>();
    f.put("name", Value.of(name));
    f.put("email", Value.of("customer" + id + "@example.com"));
    f.put("balance", Value.of(balance));
    return Entry.of(Key.of(id), Value.MapValue.of(f), new Version(v, T0.plus(Duration.ofMinutes(minutes))));
  }

  private static VersionVector vv(Object... nodeCounter) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < nodeCounter.length; i += 2) {
      m.put((String) nodeCounter[i], ((Integer) nodeCounter[i + 1]).longValue());
    }
    return VersionVector.of(m);
  }
}
