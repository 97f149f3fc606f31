package io.reconcile.benchmarks;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.google.common.hash.HashFunction;
import io.reconcile.api.Canonical;
import io.reconcile.api.Digest;
import io.reconcile.api.Key;
import io.reconcile.api.RowHash;
import io.reconcile.api.Value;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.openhft.hashing.LongTupleHashFunction;
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
 * 128-bit row hash functions over canonical encodings, on one thread; the score is rows per
 * second. Chooses the hash of the client-side scheme (issue 12) by measurement.
 *
 * <p>{@code bytes*} methods hash the already encoded rows: the JDK's MD5 (what {@link
 * io.reconcile.api.HashScheme#CANONICAL_MD5} costs), Guava's and hash4j's MurmurHash3 x64 128,
 * hash4j's and zero-allocation-hashing's XXH3-128. Each adds its hash to a {@link Digest}, as a
 * store does. {@code row*} methods are a store's whole path from key and fields, encoding into the
 * per-thread buffer: {@code rowMd5} is {@link Canonical#hash(Key, Value.MapValue)}, the others
 * {@link Canonical#hash(Key, Value.MapValue, Canonical.RowHashFunction)} with the candidate ({@code
 * rowEncodeOnly} with a function that only reads the length); {@code rowHash4jXxh3Copied} copies
 * the encoding out first ({@link Canonical#encodeRow}), as a store without that method would.
 *
 * <p>Shapes, canonical encoding lengths in bytes (min–max over the 1,024 rows): {@code
 * five-columns} {@code id bigint} key, {@code name text}, {@code amount numeric(12,2)}, {@code
 * active boolean}, {@code qty int}, 80–85; {@code six-columns} adds {@code created timestamptz}
 * (microseconds), 111–117 (CanonicalHashBenchmark's shape); {@code eight-columns} adds {@code ref
 * uuid} and {@code email text}, 193–198.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RowHashFunctionBenchmark {

  private static final int ROWS = 1024;
  private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  @Param({"five-columns", "six-columns", "eight-columns"})
  public String shape;

  private Key[] keys;
  private Value.MapValue[] rows;
  private byte[][] encoded;
  private MessageDigest md5;
  private final byte[] out = new byte[16];
  private final long[] pair = new long[2];
  private final HashFunction guavaMurmur3 = com.google.common.hash.Hashing.murmur3_128();
  private final Hasher128 hash4jMurmur3 = com.dynatrace.hash4j.hashing.Hashing.murmur3_128();
  private final Hasher128 hash4jXxh3 = com.dynatrace.hash4j.hashing.Hashing.xxh3_128();
  private final LongTupleHashFunction openhftXxh3 = LongTupleHashFunction.xx128();

  @Setup
  public void setUp() throws NoSuchAlgorithmException {
    SplittableRandom random = new SplittableRandom(42);
    keys = new Key[ROWS];
    rows = new Value.MapValue[ROWS];
    encoded = new byte[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      keys[i] = Key.of(1_000_000L + i);
      Map<String, Value> f = new LinkedHashMap<>();
      f.put("name", Value.of("customer-" + (100_000 + random.nextInt(900_000))));
      f.put("amount", Value.of(BigDecimal.valueOf(random.nextLong(10_000_000), 2)));
      if (!shape.equals("five-columns")) {
        f.put("created", Value.of(Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000) * 1000)));
      }
      f.put("active", Value.of(random.nextBoolean()));
      if (shape.equals("eight-columns")) {
        f.put("ref", Value.of(new UUID(random.nextLong(), random.nextLong())));
        f.put("email", Value.of("user" + random.nextInt(10_000_000) + "@example.org"));
      }
      f.put("qty", Value.of(random.nextInt(1000)));
      rows[i] = Value.MapValue.of(f);
      encoded[i] = Canonical.encodeRow(keys[i], rows[i]);
    }
    md5 = MessageDigest.getInstance("MD5");
  }

  private RowHash md5(byte[] b, int off, int len) {
    md5.update(b, off, len);
    try {
      md5.digest(out, 0, 16);
    } catch (DigestException e) {
      throw new IllegalStateException(e);
    }
    return new RowHash((long) LONG_BE.get(out, 0), (long) LONG_BE.get(out, 8));
  }

  private RowHash guavaMurmur3(byte[] b, int off, int len) {
    guavaMurmur3.hashBytes(b, off, len).writeBytesTo(out, 0, 16);
    return new RowHash((long) LONG_LE.get(out, 8), (long) LONG_LE.get(out, 0));
  }

  private RowHash hash4jMurmur3(byte[] b, int off, int len) {
    HashValue128 h = hash4jMurmur3.hashBytesTo128Bits(b, off, len);
    return new RowHash(h.getMostSignificantBits(), h.getLeastSignificantBits());
  }

  private RowHash hash4jXxh3(byte[] b, int off, int len) {
    HashValue128 h = hash4jXxh3.hashBytesTo128Bits(b, off, len);
    return new RowHash(h.getMostSignificantBits(), h.getLeastSignificantBits());
  }

  private RowHash openhftXxh3(byte[] b, int off, int len) {
    openhftXxh3.hashBytes(b, off, len, pair);
    return new RowHash(pair[1], pair[0]);
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Digest bytesMd5() {
    Digest d = Digest.EMPTY;
    for (byte[] b : encoded) {
      d = d.plus(md5(b, 0, b.length));
    }
    return d;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Digest bytesGuavaMurmur3() {
    Digest d = Digest.EMPTY;
    for (byte[] b : encoded) {
      d = d.plus(guavaMurmur3(b, 0, b.length));
    }
    return d;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Digest bytesHash4jMurmur3() {
    Digest d = Digest.EMPTY;
    for (byte[] b : encoded) {
      d = d.plus(hash4jMurmur3(b, 0, b.length));
    }
    return d;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Digest bytesHash4jXxh3() {
    Digest d = Digest.EMPTY;
    for (byte[] b : encoded) {
      d = d.plus(hash4jXxh3(b, 0, b.length));
    }
    return d;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Digest bytesOpenhftXxh3() {
    Digest d = Digest.EMPTY;
    for (byte[] b : encoded) {
      d = d.plus(openhftXxh3(b, 0, b.length));
    }
    return d;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Digest rowMd5() {
    Digest d = Digest.EMPTY;
    for (int i = 0; i < ROWS; i++) {
      d = d.plus(Canonical.hash(keys[i], rows[i]));
    }
    return d;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long rowEncodeOnly() {
    long x = 0;
    for (int i = 0; i < ROWS; i++) {
      x += Canonical.hash(keys[i], rows[i], (b, off, len) -> new RowHash(len, b[off + len - 1])).lo();
    }
    return x;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Digest rowGuavaMurmur3() {
    Digest d = Digest.EMPTY;
    for (int i = 0; i < ROWS; i++) {
      d = d.plus(Canonical.hash(keys[i], rows[i], this::guavaMurmur3));
    }
    return d;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Digest rowHash4jXxh3() {
    Digest d = Digest.EMPTY;
    for (int i = 0; i < ROWS; i++) {
      d = d.plus(Canonical.hash(keys[i], rows[i], this::hash4jXxh3));
    }
    return d;
  }

  /** As {@link #rowHash4jXxh3}, but the encoding copied out to a new array first. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Digest rowHash4jXxh3Copied() {
    Digest d = Digest.EMPTY;
    for (int i = 0; i < ROWS; i++) {
      byte[] b = Canonical.encodeRow(keys[i], rows[i]);
      d = d.plus(hash4jXxh3(b, 0, b.length));
    }
    return d;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Digest rowOpenhftXxh3() {
    Digest d = Digest.EMPTY;
    for (int i = 0; i < ROWS; i++) {
      d = d.plus(Canonical.hash(keys[i], rows[i], this::openhftXxh3));
    }
    return d;
  }
}
