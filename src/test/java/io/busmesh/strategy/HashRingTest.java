package io.busmesh.strategy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class HashRingTest {

  private final List<FakeCandidate> tenThousand = replicas(10_000);

  @Test
  void aRingOfTenThousandReplicasHoldsAMillionPointsInEightMegabytes() {
    HashRing ring = HashRing.of(tenThousand);

    // 2^20 / 10,000 = 104.9, so 104 points each: 1,040,000 longs, 8.3 MB.
    assertEquals(1_040_000, ring.size());
  }

  @Test
  void aReplicaLeavingOrComingIsMergedIntoTheRingAndPlacesKeysAsABuildFromScratch() {
    HashRing ring = HashRing.of(tenThousand);
    List<FakeCandidate> oneLeft = new ArrayList<>(tenThousand);
    oneLeft.remove(5_000);
    List<FakeCandidate> oneCame = new ArrayList<>(tenThousand);
    oneCame.add(new FakeCandidate("r10000"));

    HashRing left = RingMerge.merged(ring, oneLeft);
    HashRing came = RingMerge.merged(ring, oneCame);

    assertNotNull(left, "merged, not built from scratch");
    assertNotNull(came, "merged, not built from scratch");
    assertPlacesKeysAlike(HashRing.of(oneLeft), left);
    assertPlacesKeysAlike(HashRing.of(oneCame), came);
    assertPlacesKeysAlike(ring, RingMerge.merged(left, tenThousand));
  }

  @Test
  void aReplicaThatCameTakesAFreedSlotOnlyAfterTheChangeThatFreedIt() {
    List<FakeCandidate> ten = replicas(10);
    List<FakeCandidate> swapped = new ArrayList<>(ten);
    swapped.set(3, new FakeCandidate("r00003b"));

    HashRing afterSwap = RingMerge.merged(HashRing.of(ten), swapped);
    HashRing afterReturn = RingMerge.merged(afterSwap, ten);

    assertNotNull(afterSwap);
    assertNotNull(afterReturn);
    assertEquals(11, afterSwap.addressOfSlot.length, "the newcomer takes a new slot, not the one just freed");
    assertPlacesKeysAlike(HashRing.of(swapped), afterSwap);
    assertPlacesKeysAlike(HashRing.of(ten), afterReturn);
  }

  @Test
  void aReplicaThatTipsEveryReplicaToOnePointLessIsMergedToo() {
    // 2^20 / 10,082 = 104.005 and 2^20 / 10,083 = 103.994: the 10,083rd replica takes one point from each.
    List<FakeCandidate> before = replicas(10_082);
    List<FakeCandidate> after = replicas(10_083);
    HashRing ring = HashRing.of(before);

    HashRing merged = RingMerge.merged(ring, after);

    assertEquals(10_082 * 104, ring.size());
    assertNotNull(merged);
    assertEquals(10_083 * 103, merged.size());
    assertPlacesKeysAlike(HashRing.of(after), merged);
  }

  @Test
  void everyChainOfChangesPlacesKeysAsABuildFromScratch() {
    SplittableRandom random = new SplittableRandom(1);
    List<FakeCandidate> all = new ArrayList<>(replicas(50));
    List<FakeCandidate> current = new ArrayList<>(all);
    HashRing ring = HashRing.of(current);
    int merged = 0;
    for (int step = 0; step < 120; step++) {
      switch (random.nextInt(4)) {
        case 0 -> { // breakers open: a few replicas leave the list
          for (int n = 1 + random.nextInt(3); n > 0 && current.size() > 1; n--) {
            current.remove(random.nextInt(current.size()));
          }
        }
        case 1 -> { // breakers close: replicas that left come back
          for (FakeCandidate replica : all) {
            if (!current.contains(replica) && random.nextInt(3) == 0) {
              current.add(replica);
            }
          }
        }
        case 2 -> { // a new replica
          FakeCandidate replica = new FakeCandidate(String.format("r%05d", all.size()), 1 + random.nextInt(3));
          all.add(replica);
          current.add(replica);
        }
        default -> { // a replica re-registers with another weight
          int at = random.nextInt(current.size());
          FakeCandidate replica = new FakeCandidate(current.get(at).replica().address(), 1 + random.nextInt(5));
          all.set(all.indexOf(current.get(at)), replica);
          current.set(at, replica);
        }
      }
      current.sort(Comparator.comparing(c -> c.replica().address()));
      List<FakeCandidate> list = List.copyOf(current);
      merged += RingMerge.merged(ring, list) != null ? 1 : 0;
      ring = ring.updatedFor(list);

      assertPlacesKeysAlike(HashRing.of(list), ring);
    }
    assertEquals(120, merged, "every step merged");
  }

  @Test
  void aListNotSortedByAddressIsBuiltFromScratch() {
    List<FakeCandidate> ten = replicas(10);
    List<FakeCandidate> shuffled = new ArrayList<>(ten.subList(1, 10));
    shuffled.add(ten.get(0));
    HashRing ring = HashRing.of(ten);

    assertNull(RingMerge.merged(ring, shuffled));
    assertPlacesKeysAlike(HashRing.of(shuffled), ring.updatedFor(shuffled));
  }

  /**
   * Both rings have their points at the same positions and give each arc between two points the same
   * owner, i.e. they place every key alike.
   */
  private static void assertPlacesKeysAlike(HashRing expected, HashRing actual) {
    long[] positions = positions(expected);
    assertArrayEquals(positions, positions(actual), "point positions");
    for (long position : positions) {
      if (expected.ownerOf(position) != actual.ownerOf(position)) {
        assertEquals(expected.ownerOf(position), actual.ownerOf(position), "owner of the keys up to " + position);
      }
    }
  }

  private static long[] positions(HashRing ring) {
    long[] positions = Arrays.stream(ring.points).map(p -> p & ~HashRing.SLOT_MASK).toArray();
    Arrays.sort(positions);
    return positions;
  }

  private static List<FakeCandidate> replicas(int count) {
    return IntStream.range(0, count).mapToObj(i -> new FakeCandidate(String.format("r%05d", i))).toList();
  }
}
