package io.reconcile.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.ActionOutcome.Status;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.StoreOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MemoryStoreTest {

  private static Entry row(long id, String v) {
    return Entry.of(Key.of(id), Map.of("v", v));
  }

  private static MemoryStore seeded(String id, int rows) {
    MemoryStore s = MemoryStore.create(id);
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      entries.add(row(i, "v" + i));
    }
    s.putAll(entries);
    return s;
  }

  private static List<Entry> scanAll(MemoryStore s, KeyRange r) {
    try (Stream<Entry> st = s.scan(r)) {
      return st.toList();
    }
  }

  @Nested
  @DisplayName("reading")
  class Reading {

    @Test
    @DisplayName("the digest of a range equals the digest of its scanned rows and of its parts")
    void digests() {
      MemoryStore s = seeded("a", 100);
      KeyRange r = KeyRange.of(Key.of(5), Key.of(77));
      Digest scanned = Digest.EMPTY;
      for (Entry e : scanAll(s, r)) {
        scanned = scanned.plus(e.hash());
      }
      assertThat(s.digest(r)).isEqualTo(scanned);
      List<Digest> parts = s.digest(r.split(List.of(Key.of(30), Key.of(31))), HashScheme.CANONICAL_MD5);
      assertThat(parts.get(0).plus(parts.get(1)).plus(parts.get(2))).isEqualTo(scanned);
      assertThat(parts.get(1).count()).isEqualTo(1);
      assertThat(s.size()).isEqualTo(100);
    }

    @Test
    @DisplayName("digest ranges must be ascending and the scheme supported")
    void digestArguments() {
      MemoryStore s = seeded("a", 3);
      assertThatThrownBy(() -> s.digest(List.of(KeyRange.atLeast(Key.of(2)), KeyRange.below(Key.of(1))), HashScheme.CANONICAL_MD5))
          .hasMessageContaining("ascending and not overlap");
      assertThatThrownBy(() -> s.digest(List.of(KeyRange.all()), new HashScheme("crc64", 64)))
          .hasMessageContaining("not HashScheme[name=crc64");
    }

    @Test
    @DisplayName("segments cover the range with balanced exact counts")
    void segments() {
      MemoryStore s = seeded("a", 1000);
      List<Segment> segs = s.segments(KeyRange.all(), 8);
      assertThat(segs).hasSize(8);
      assertThat(segs.stream().mapToLong(Segment::estimatedCount).sum()).isEqualTo(1000);
      assertThat(segs).allSatisfy(seg -> assertThat(seg.estimatedCount()).isEqualTo(125));
      assertThat(segs.get(0).range().lo()).isNull();
      assertThat(segs.get(7).range().hi()).isNull();
      for (int i = 1; i < segs.size(); i++) {
        assertThat(segs.get(i).range().lo()).isEqualTo(segs.get(i - 1).range().hi());
      }
      for (Segment seg : segs) {
        assertThat(s.digest(seg.range()).count()).isEqualTo(seg.estimatedCount());
      }
      assertThat(seeded("b", 3).segments(KeyRange.all(), 10)).hasSize(3);
      assertThat(MemoryStore.create("c").segments(KeyRange.all(), 10)).containsExactly(new Segment(KeyRange.all(), 0));
      assertThatThrownBy(() -> s.segments(KeyRange.all(), 0)).hasMessageContaining("maxSegments must be >= 1, but was 0");
    }

    @Test
    @DisplayName("point lookups return only present keys")
    void lookups() {
      MemoryStore s = seeded("a", 5);
      assertThat(s.get(List.of(Key.of(1), Key.of(9)))).containsOnlyKeys(Key.of(1));
    }

    @Test
    @DisplayName("normalisation renames and projects fields on read and maps names back on write")
    void normalisation() {
      MemoryStore s =
          MemoryStore.create(
              "n",
              StoreOptions.newBuilder()
                  .normalization(Normalization.newBuilder().rename("full_name", "name").ignore("secret").build())
                  .build());
      s.put(Entry.of(Key.of(1), Map.of("full_name", "Ada", "secret", "x")));
      Entry seen = scanAll(s, KeyRange.all()).get(0);
      assertThat(seen.fields().fields()).containsOnlyKeys("name");
      Entry wanted = Entry.of(Key.of(1), Map.of("name", "Grace"));
      assertThat(s.apply(List.of(RepairAction.upsert("n", wanted, Expected.present(seen)))))
          .extracting(ActionOutcome::status)
          .containsExactly(Status.APPLIED);
      assertThat(scanAll(s, KeyRange.all()).get(0).sameData(wanted)).isTrue();
    }

    @Test
    @DisplayName("under nullAsAbsent a null field reads, digests and looks up as absent; without it they differ")
    void nullAsAbsent() {
      Map<String, Object> withNull = new java.util.HashMap<>();
      withNull.put("name", "Ada");
      withNull.put("email", null);
      MemoryStore plain = MemoryStore.create("plain");
      MemoryStore lenient = MemoryStore.create("lenient",
          StoreOptions.newBuilder().normalization(Normalization.newBuilder().nullAsAbsent().build()).build());
      MemoryStore documents = MemoryStore.create("documents");
      plain.put(Entry.of(Key.of(1), withNull));
      lenient.put(Entry.of(Key.of(1), withNull));
      documents.put(Entry.of(Key.of(1), Map.of("name", "Ada")));

      assertThat(plain.digest(KeyRange.all())).isNotEqualTo(documents.digest(KeyRange.all()));
      assertThat(lenient.digest(KeyRange.all())).isEqualTo(documents.digest(KeyRange.all()));
      assertThat(scanAll(lenient, KeyRange.all()).get(0).fields().fields()).containsOnlyKeys("name");
      assertThat(lenient.get(List.of(Key.of(1))).get(Key.of(1)).sameData(Entry.of(Key.of(1), Map.of("name", "Ada"))))
          .isTrue();
    }
  }

  @Nested
  @DisplayName("writing")
  class Writing {

    @Test
    @DisplayName("actions in one batch see the batch's earlier actions")
    void sequentialWithinBatch() {
      MemoryStore s = MemoryStore.create("a");
      Entry first = row(1, "first");
      List<ActionOutcome> out =
          s.apply(
              List.of(
                  RepairAction.upsert("a", first, Expected.absent()),
                  RepairAction.upsert("a", row(1, "second"), Expected.present(first))));
      assertThat(out).extracting(ActionOutcome::status).containsExactly(Status.APPLIED, Status.APPLIED);
      assertThat(scanAll(s, KeyRange.all())).containsExactly(row(1, "second"));
    }

    @Test
    @DisplayName("a read-only store refuses to write, and actions must target this store")
    void refusals() {
      MemoryStore ro = MemoryStore.create("ro", StoreOptions.newBuilder().readOnly(true).build());
      assertThat(ro.capabilities()).containsExactlyInAnyOrder(
          Capability.SERVER_SIDE_DIGEST, Capability.ORDERED_SCAN, Capability.KEY_INDEX, Capability.VERSIONS, Capability.CHANGE_FEED);
      assertThat(MemoryStore.create("rw").capabilities()).containsExactlyInAnyOrder(Capability.values());
      assertThatThrownBy(() -> ro.apply(List.of(RepairAction.upsert("ro", row(1, "x"), Expected.absent()))))
          .isInstanceOf(ReconcileException.RepairRefusedException.class)
          .hasMessageContaining("store 'ro' is read-only");
      MemoryStore s = MemoryStore.create("a");
      assertThatThrownBy(() -> s.apply(List.of(RepairAction.upsert("b", row(1, "x"), Expected.absent()))))
          .hasMessageContaining("targets store 'b', not 'a'");
    }
  }

  @Nested
  @DisplayName("isolation and lifecycle")
  class Isolation {

    @Test
    @DisplayName("an open scan reads the snapshot it started with")
    void snapshot() {
      MemoryStore s = seeded("a", 10);
      try (Stream<Entry> scan = s.scan(KeyRange.all())) {
        s.apply(
            List.of(
                RepairAction.delete("a", Key.of(5), Expected.present(row(5, "v5"))),
                RepairAction.upsert("a", row(3, "new"), Expected.present(row(3, "v3"))),
                RepairAction.upsert("a", row(50, "new"), Expected.absent())));
        List<Entry> seen = scan.toList();
        assertThat(seen).hasSize(10).contains(row(5, "v5"), row(3, "v3")).doesNotContain(row(50, "new"));
      }
      assertThat(scanAll(s, KeyRange.all())).hasSize(10).contains(row(3, "new"), row(50, "new"));
    }

    @Test
    @DisplayName("the change feed reports every written key with its commit time, and resumes after a position")
    void changeFeed() throws InterruptedException {
      MemoryStore s = MemoryStore.create("a");
      s.put(row(0, "before any feed"));
      try (ChangeFeed feed = s.changes(Optional.empty())) {
        ChangeBatch first = feed.poll(Duration.ZERO);
        assertThat(first.changes()).isEmpty();
        assertThat(first.gap()).isEmpty();
        s.put(row(1, "x"));
        s.apply(List.of(RepairAction.upsert("a", row(2, "y"), Expected.absent())));
        ChangeBatch second = feed.poll(Duration.ofSeconds(5));
        assertThat(second.changes()).extracting(Change::key).containsExactly(Key.of(1), Key.of(2));
        assertThat(second.changes()).allSatisfy(c -> assertThat(c.commitTime()).isPresent());
        s.remove(Key.of(1));
        s.put(row(3, "z"));
        try (ChangeFeed resumed = s.changes(Optional.of(second.position()))) {
          assertThat(resumed.poll(Duration.ZERO).changes()).extracting(Change::key).containsExactly(Key.of(1), Key.of(3));
        }
      }
    }

    @Test
    @DisplayName("a position of another store, or malformed, opens the feed with a gap")
    void changeFeedGap() throws InterruptedException {
      MemoryStore a = MemoryStore.create("a");
      MemoryStore b = MemoryStore.create("b");
      FeedPosition ofB;
      try (ChangeFeed feed = b.changes(Optional.empty())) {
        ofB = feed.poll(Duration.ZERO).position();
      }
      for (FeedPosition p : List.of(ofB, new FeedPosition("not-a-position"))) {
        try (ChangeFeed feed = a.changes(Optional.of(p))) {
          ChangeBatch batch = feed.poll(Duration.ZERO);
          assertThat(batch.gap()).isPresent();
          assertThat(batch.gap().get()).doesNotContain("not-a-position");
          assertThat(feed.poll(Duration.ZERO).gap()).isEmpty();
        }
      }
    }

    @Test
    @DisplayName("closing a feed from another thread ends a waiting poll")
    void changeFeedClose() throws Exception {
      MemoryStore s = MemoryStore.create("a");
      ChangeFeed feed = s.changes(Optional.empty());
      feed.poll(Duration.ZERO);
      java.util.concurrent.CompletableFuture<ChangeBatch> waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return feed.poll(Duration.ofMinutes(5));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      feed.close();
      // Closed while waiting, the poll returns empty; closed before it began, it fails as closed: either way it ends.
      Object ended = waiting.handle((batch, failure) -> batch != null ? batch.changes() : failure.getCause().getClass())
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(ended).isIn(List.of(), ReconcileException.StoreUnavailableException.class);
      assertThatThrownBy(() -> feed.poll(Duration.ZERO)).isInstanceOf(ReconcileException.StoreUnavailableException.class);
    }

    @Test
    @DisplayName("a closed handle fails clearly; other handles of the same name keep working")
    void closed() {
      MemoryStore.drop("shared-close");
      MemoryStore one = MemoryStore.named("shared-close");
      MemoryStore two = MemoryStore.named("shared-close");
      one.put(row(1, "x"));
      one.close();
      one.close();
      assertThatThrownBy(() -> one.scan(KeyRange.all()))
          .isInstanceOf(ReconcileException.StoreUnavailableException.class)
          .hasMessage("store 'shared-close' is closed; open a new handle");
      assertThat(((ReconcileException.StoreUnavailableException) catchThrowable(() -> one.digest(KeyRange.all()))).isTransient()).isFalse();
      assertThat(two.size()).isEqualTo(1);
      MemoryStore.drop("shared-close");
      assertThat(MemoryStore.named("shared-close").size()).isZero();
    }

    @Test
    @DisplayName("bad names and unsupported options are rejected with what to do")
    void badConfiguration() {
      assertThatThrownBy(() -> MemoryStore.named("no spaces"))
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessageContaining("1-128 letters, digits, '.', '_' or '-', but was 'no spaces'");
      assertThatThrownBy(() -> MemoryStore.create("a", StoreOptions.newBuilder().filter("x > 1").property("fetchSize", "5").build()))
          .hasMessageContaining("was given [filter, fetchSize]");
    }
  }

  private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
    return org.assertj.core.api.Assertions.catchThrowable(c);
  }
}
