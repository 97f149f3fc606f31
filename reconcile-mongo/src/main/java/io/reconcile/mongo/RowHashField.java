package io.reconcile.mongo;

import com.mongodb.client.MongoCollection;
import io.reconcile.api.Digest;
import io.reconcile.api.RowHash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A field in which a collection's writers keep each document's canonical row hash, as four 32-bit
 * limbs (an array of four int64 values from 0 to 2<sup>32</sup> − 1, most significant first), so
 * that MongoDB can digest a range itself: one {@code $group} sums each limb over the range's
 * documents. A limb sum of fewer than 2<sup>31</sup> documents fits an int64, so the sums are exact
 * and the JVM carries them into the 128-bit digest. The digest is only as true as the field: a
 * document whose field is missing or not an array makes the store digest its range in the JVM
 * instead; a field that is present but stale goes unseen.
 */
final class RowHashField {

  private static final BigInteger LIMB = BigInteger.ONE.shiftLeft(32);
  private static final long MASK32 = 0xFFFF_FFFFL;

  private final String name;

  RowHashField(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  /** The field's value for a row hash: its four limbs, most significant first. */
  static BsonArray limbs(RowHash hash) {
    return new BsonArray(List.of(new BsonInt64(hash.hi() >>> 32), new BsonInt64(hash.hi() & MASK32),
        new BsonInt64(hash.lo() >>> 32), new BsonInt64(hash.lo() & MASK32)));
  }

  /** The row hash a document's field holds, or null if it holds none (missing, or not four limbs of 32 bits). */
  @Nullable RowHash read(BsonDocument document) {
    BsonValue v = document.get(name);
    if (v == null || !v.isArray() || v.asArray().size() != 4) {
      return null;
    }
    long[] limb = new long[4];
    for (int i = 0; i < 4; i++) {
      BsonValue l = v.asArray().get(i);
      if (!l.isNumber() || !l.isInt64() && !l.isInt32() || l.asNumber().longValue() < 0 || l.asNumber().longValue() > MASK32) {
        return null;
      }
      limb[i] = l.asNumber().longValue();
    }
    return new RowHash(limb[0] << 32 | limb[1], limb[2] << 32 | limb[3]);
  }

  /**
   * The digest of the documents {@code filter} selects, summed by the server, or null when some of
   * them lack the field (the caller digests that range itself).
   */
  @Nullable Digest digest(MongoCollection<BsonDocument> collection, BsonDocument filter) {
    BsonDocument group = new BsonDocument("_id", BsonNull.VALUE)
        .append("n", new BsonDocument("$sum", new BsonInt32(1)))
        .append("held", new BsonDocument("$sum", new BsonDocument("$cond", new BsonArray(List.of(
            new BsonDocument("$isArray", new BsonString("$" + name)), new BsonInt32(1), new BsonInt32(0))))));
    for (int i = 0; i < 4; i++) {
      group.append("l" + i, new BsonDocument("$sum", new BsonDocument("$arrayElemAt",
          new BsonArray(List.of(new BsonString("$" + name), new BsonInt32(i))))));
    }
    List<BsonDocument> pipeline = new ArrayList<>(List.of(new BsonDocument("$match", filter), new BsonDocument("$group", group)));
    BsonDocument sums = collection.aggregate(pipeline).first();
    if (sums == null) {
      return Digest.EMPTY;
    }
    long n = sums.getNumber("n").longValue();
    if (sums.getNumber("held").longValue() != n) {
      return null;
    }
    BigInteger sum = BigInteger.ZERO;
    for (int i = 0; i < 4; i++) {
      sum = sum.multiply(LIMB).add(BigInteger.valueOf(sums.getNumber("l" + i).longValue()));
    }
    return Digest.of(n, sum);
  }
}
