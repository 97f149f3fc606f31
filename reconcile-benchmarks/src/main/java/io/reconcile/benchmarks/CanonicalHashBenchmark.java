package io.reconcile.benchmarks;

import io.reconcile.api.Canonical;
import io.reconcile.api.Digest;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import java.math.BigDecimal;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Canonical row hash plus digest accumulation on one thread; the score is rows per second.
 *
 * <p>{@code six-columns} is a typical 6-column SQL row: {@code id bigint} key, {@code name text},
 * {@code amount numeric(12,2)}, {@code created timestamptz} (microseconds), {@code active
 * boolean}, {@code qty int}; its canonical encoding is about 115 bytes, two MD5 blocks. {@code
 * seven-columns-uuid} adds a {@code ref uuid} column (about 160 bytes, three MD5 blocks).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CanonicalHashBenchmark {

  private static final int ROWS = 1024;

  @Param({"six-columns", "seven-columns-uuid"})
  public String shape;

  private Key[] keys;
  private Value.MapValue[] rows;
  private byte[][] encoded;
  private MessageDigest md5;
  private final byte[] out = new byte[16];

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    keys = new Key[ROWS];
    rows = new Value.MapValue[ROWS];
    for (int i = 0; i < ROWS; i++) {
      keys[i] = Key.of(1_000_000L + i);
      Map<String, Value> f = new LinkedHashMap<>();
      f.put("name", Value.of("customer-" + (100_000 + random.nextInt(900_000))));
      f.put("amount", Value.of(BigDecimal.valueOf(random.nextLong(10_000_000), 2)));
      f.put("created", Value.of(Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000) * 1000)));
      f.put("active", Value.of(random.nextBoolean()));
      if (shape.equals("seven-columns-uuid")) {
        f.put("ref", Value.of(new UUID(random.nextLong(), random.nextLong())));
      }
      f.put("qty", Value.of(random.nextInt(1000)));
      rows[i] = Value.MapValue.of(f);
    }
    encoded = new byte[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      encoded[i] = Canonical.encodeRow(keys[i], rows[i]);
    }
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Digest hashAndDigest() {
    Digest d = Digest.EMPTY;
    for (int i = 0; i < ROWS; i++) {
      d = d.plus(Canonical.hash(keys[i], rows[i]));
    }
    return d;
  }

  /** The floor: the JDK's MD5 alone over the same, already encoded rows. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long md5OfEncodedRows() throws DigestException {
    long x = 0;
    for (int i = 0; i < ROWS; i++) {
      md5.update(encoded[i]);
      md5.digest(out, 0, 16);
      x += out[0];
    }
    return x;
  }
}
