package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DigestTest {

  @Provide
  Arbitrary<List<RowHash>> rows() {
    Arbitrary<Long> halves = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(-1L, 0L, Long.MIN_VALUE, Long.MAX_VALUE));
    return Combinators.combine(halves, halves).as(RowHash::new).list().ofMaxSize(30);
  }

  private static Digest digestOf(List<RowHash> rows) {
    Digest d = Digest.EMPTY;
    for (RowHash r : rows) {
      d = d.plus(r);
    }
    return d;
  }

  private static BigInteger unsigned(RowHash r) {
    return new BigInteger(1, java.util.HexFormat.of().parseHex(r.toString()));
  }

  @Property(tries = 1000)
  void digestOfUnionIsSumOfParts(@ForAll("rows") List<RowHash> a, @ForAll("rows") List<RowHash> b) {
    List<RowHash> union = new ArrayList<>(a);
    union.addAll(b);
    assertThat(digestOf(a).plus(digestOf(b))).isEqualTo(digestOf(union));
  }

  @Property(tries = 1000)
  void combineIsCommutativeAndAssociative(
      @ForAll("rows") List<RowHash> a, @ForAll("rows") List<RowHash> b, @ForAll("rows") List<RowHash> c) {
    Digest x = digestOf(a);
    Digest y = digestOf(b);
    Digest z = digestOf(c);
    assertThat(x.plus(y)).isEqualTo(y.plus(x));
    assertThat(x.plus(y).plus(z)).isEqualTo(x.plus(y.plus(z)));
    assertThat(x.plus(Digest.EMPTY)).isEqualTo(x);
  }

  @Property(tries = 1000)
  void orderDoesNotMatter(@ForAll("rows") List<RowHash> a) {
    List<RowHash> shuffled = new ArrayList<>(a);
    Collections.shuffle(shuffled);
    assertThat(digestOf(shuffled)).isEqualTo(digestOf(a));
  }

  @Property(tries = 1000)
  void sumIsModulo2To128AndMinusUndoesPlus(@ForAll("rows") List<RowHash> a) {
    BigInteger expected = BigInteger.ZERO;
    for (RowHash r : a) {
      expected = expected.add(unsigned(r));
    }
    Digest d = digestOf(a);
    assertThat(d.sum()).isEqualTo(expected.mod(BigInteger.ONE.shiftLeft(128)));
    assertThat(Digest.of(a.size(), expected)).isEqualTo(d);
    Digest back = d;
    for (RowHash r : a) {
      back = back.minus(r);
    }
    assertThat(back).isEqualTo(Digest.EMPTY);
  }

  @Test
  void carriesBetweenHalves() {
    Digest d = Digest.of(new RowHash(0, -1)).plus(new RowHash(0, 1));
    assertThat(d).isEqualTo(new Digest(2, 1, 0));
    assertThat(d.toString()).isEqualTo("2:00000000000000010000000000000000");
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new Digest(-1, 0, 0)).hasMessageContaining("count >= 0, but was -1");
    assertThatThrownBy(() -> Digest.EMPTY.minus(new RowHash(1, 1))).hasMessageContaining("no rows");
    assertThatThrownBy(() -> RowHash.fromHex("abc")).hasMessageContaining("32 hex digits");
  }
}
