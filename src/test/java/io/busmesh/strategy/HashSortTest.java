package io.busmesh.strategy;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class HashSortTest {

  @Test
  void sortsAMillionHashesAsArraysSortDoes() {
    assertSortsLikeArraysSort(new SplittableRandom(1).longs(1_000_000).toArray());
  }

  @Test
  void sortsValuesThatAllFallInOneBucketOrAtTheExtremes() {
    SplittableRandom random = new SplittableRandom(2);
    assertSortsLikeArraysSort(random.longs(300_000, 0, 1_000).toArray());
    assertSortsLikeArraysSort(LongStream.generate(() -> random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE)
        .limit(300_000).toArray());
  }

  @Test
  void sortsFewHashes() {
    assertSortsLikeArraysSort(new long[0]);
    assertSortsLikeArraysSort(new SplittableRandom(3).longs(1_000).toArray());
  }

  private static void assertSortsLikeArraysSort(long[] hashes) {
    long[] expected = hashes.clone();
    Arrays.sort(expected);

    HashSort.sort(hashes);

    assertArrayEquals(expected, hashes);
  }
}
