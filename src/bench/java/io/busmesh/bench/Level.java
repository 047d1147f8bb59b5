package io.busmesh.bench;

/**
 * One load level of the overhead benchmark: {@code callers} callers, each on its own event loop,
 * each keeping {@code inFlight} calls in flight.
 */
record Level(int callers, int inFlight) {

  /** How the report names it: the calls in flight, prefixed by the callers when there are several ("4x16"). */
  String label() {
    return callers == 1 ? Integer.toString(inFlight) : callers + "x" + inFlight;
  }
}
