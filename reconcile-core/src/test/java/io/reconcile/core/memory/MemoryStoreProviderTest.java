package io.reconcile.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.StoreProvider;
import io.reconcile.api.store.Stores;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryStoreProviderTest {

  @Test
  void opensSharedStoresByUri() {
    MemoryStore.drop("by-uri");
    try (Store a = Stores.open("mem:by-uri"); Store b = Stores.open("MEM:by-uri", StoreOptions.newBuilder().id("replica").build())) {
      ((MemoryStore) a).put(Entry.of(Key.of(1), Map.of("v", 1)));
      assertThat(b.id()).isEqualTo("replica");
      assertThat(a.id()).isEqualTo("by-uri");
      assertThat(b.digest(io.reconcile.api.KeyRange.all())).isEqualTo(a.digest(io.reconcile.api.KeyRange.all()));
    } finally {
      MemoryStore.drop("by-uri");
    }
  }

  @Test
  void rejectsAUriWithoutAName() {
    assertThatThrownBy(() -> Stores.open("mem:"))
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessageContaining("mem:NAME (e.g. mem:orders), but was 'mem:'");
  }

  @Test
  void noProviderForAnotherSchemeListsWhatWasFound() {
    assertThatThrownBy(() -> Stores.open("jdbc:mariadb://localhost/app?password=hunter2"))
        .hasMessage(
            "no store provider handles the scheme 'jdbc:mariadb' of"
                + " 'jdbc:mariadb://localhost/app?password=***'; providers found: mem"
                + " (io.reconcile.core.memory.MemoryStoreProvider); add io.reconcile:reconcile-jdbc to"
                + " the class path");
  }

  /** A second provider claiming {@code mem}, registered through its own services file. */
  public static final class RivalProvider implements StoreProvider {
    @Override
    public Set<String> schemes() {
      return Set.of("mem");
    }

    @Override
    public Store open(String uri, StoreOptions options) {
      throw new AssertionError("never chosen");
    }
  }

  @Test
  void twoProvidersForOneSchemeFailNamingBoth(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(StoreProvider.class.getName()), RivalProvider.class.getName() + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      assertThatThrownBy(() -> Stores.open("mem:x", StoreOptions.defaults(), loader))
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessageContaining("two or more store providers claim the scheme of 'mem:x'")
          .hasMessageContaining(MemoryStoreProvider.class.getName())
          .hasMessageContaining(RivalProvider.class.getName())
          .hasMessageContaining("keep only one of them on the class path");
    }
  }

  @Test
  void aBrokenProviderIsReportedNotFatal(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(StoreProvider.class.getName()), "com.example.Missing\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      assertThat(Stores.open("mem:ok", StoreOptions.defaults(), loader).id()).isEqualTo("ok");
      assertThatThrownBy(() -> Stores.open("kafka://localhost:9092/t", StoreOptions.defaults(), loader))
          .hasMessageContaining("providers that failed to load")
          .hasMessageContaining("com.example.Missing");
    } finally {
      MemoryStore.drop("ok");
    }
  }
}
