package io.busmesh.strategy;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DeadlineHeapTest {

  @Test
  void theFirstSlotIsAlwaysTheOneDueEarliestWhateverIsRescheduled() {
    SplittableRandom random = new SplittableRandom(1);
    double[] deadlines = random.doubles(1_000, 0, 100).toArray();
    DeadlineHeap heap = new DeadlineHeap(deadlines);

    for (int step = 0; step < 100_000; step++) {
      assertEquals(earliest(deadlines), heap.first(), "at step " + step);
      int slot = step % 2 == 0 ? heap.first() : random.nextInt(deadlines.length); // as a pick, or as a warming replica retimed
      deadlines[slot] = random.nextDouble(0, 100);
      heap.reschedule(slot, deadlines[slot]);
      assertEquals(deadlines[slot], heap.deadline(slot));
    }
  }

  @Test
  void equalDeadlinesGoToTheLowerSlot() {
    DeadlineHeap heap = new DeadlineHeap(new double[] {2, 1, 1, 1});

    assertEquals(1, heap.first());
    heap.reschedule(1, 2);
    assertEquals(2, heap.first());
    heap.reschedule(0, 1);
    assertEquals(0, heap.first());
  }

  private static int earliest(double[] deadlines) {
    int earliest = 0;
    for (int slot = 1; slot < deadlines.length; slot++) {
      if (deadlines[slot] < deadlines[earliest]) {
        earliest = slot;
      }
    }
    return earliest;
  }
}
