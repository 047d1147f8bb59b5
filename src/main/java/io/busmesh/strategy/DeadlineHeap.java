package io.busmesh.strategy;

/**
 * The priority queue of an earliest-deadline-first scheduler: slots {@code 0..size-1}, each with a
 * deadline, in a binary min-heap that also knows where each slot sits, so that any slot's deadline
 * can be moved earlier or later in O(log n) (an indexed heap, as in Sedgewick's {@code IndexMinPQ}).
 * Equal deadlines go to the lower slot, so that a schedule is deterministic. Not thread-safe.
 */
final class DeadlineHeap {

  private final double[] deadlines;
  private final int[] heap;
  private final int[] position;

  /** A heap over {@code deadlines.length} slots, slot i due at {@code deadlines[i]}; built in O(n) (Floyd). */
  DeadlineHeap(double[] deadlines) {
    this.deadlines = deadlines.clone();
    int size = deadlines.length;
    this.heap = new int[size];
    this.position = new int[size];
    for (int slot = 0; slot < size; slot++) {
      heap[slot] = slot;
      position[slot] = slot;
    }
    for (int at = size / 2 - 1; at >= 0; at--) {
      siftDown(at);
    }
  }

  /** The slot with the earliest deadline. */
  int first() {
    return heap[0];
  }

  double deadline(int slot) {
    return deadlines[slot];
  }

  /** Moves {@code slot}'s deadline, earlier or later. */
  void reschedule(int slot, double deadline) {
    double previous = deadlines[slot];
    deadlines[slot] = deadline;
    if (deadline < previous) {
      siftUp(position[slot]);
    } else {
      siftDown(position[slot]);
    }
  }

  private void siftUp(int at) {
    int slot = heap[at];
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      if (!before(slot, heap[parent])) {
        break;
      }
      place(heap[parent], at);
      at = parent;
    }
    place(slot, at);
  }

  private void siftDown(int at) {
    int slot = heap[at];
    int size = heap.length;
    while (true) {
      int child = 2 * at + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && before(heap[child + 1], heap[child])) {
        child++;
      }
      if (!before(heap[child], slot)) {
        break;
      }
      place(heap[child], at);
      at = child;
    }
    place(slot, at);
  }

  private boolean before(int a, int b) {
    return deadlines[a] < deadlines[b] || (deadlines[a] == deadlines[b] && a < b);
  }

  private void place(int slot, int at) {
    heap[at] = slot;
    position[slot] = at;
  }
}
