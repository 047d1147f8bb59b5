package io.busmesh.impl.fault;

import io.busmesh.impl.fault.OutlierDetector.Figures;
import io.busmesh.test.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutlierDetectorTest {

  private static final double MS = 1_000_000;
  private final FakeClock clock = new FakeClock();
  private final OutlierDetector detector = new OutlierDetector(clock, 0.5, 5, 10_000, 0.5);

  private static List<Figures> three(double errorsOfC, double latencyOfC) {
    return List.of(new Figures("a", 0.0, 2 * MS), new Figures("b", 0.01, 2 * MS), new Figures("c", errorsOfC, latencyOfC));
  }

  @Test
  void aReplicaFailingFarMoreThanItsPeersIsEjected() {
    assertEquals(Set.of("c"), detector.evaluate(three(0.9, 1 * MS)), "fails fast: its low latency does not save it");
  }

  @Test
  void aReplicaFarSlowerThanItsPeersIsEjected() {
    assertEquals(Set.of("c"), detector.evaluate(three(0.0, 40 * MS)));
    assertEquals(Set.of(), new OutlierDetector(clock, 0.5, 5, 10_000, 0.5).evaluate(three(0.0, 8 * MS)), "4x is not 5x");
  }

  @Test
  void theEjectionEndsAfterItsPeriodAndGrowsWithEachEjection() {
    detector.evaluate(three(0.9, 2 * MS));
    clock.advance(Duration.ofSeconds(9));
    assertEquals(Set.of("c"), detector.evaluate(three(0.0, 2 * MS)), "still out: the first period is 10 s");
    clock.advance(Duration.ofSeconds(2));
    assertEquals(Set.of(), detector.evaluate(three(0.0, 2 * MS)), "back after 10 s once healthy");

    detector.evaluate(three(0.9, 2 * MS));
    clock.advance(Duration.ofSeconds(15));
    assertEquals(Set.of("c"), detector.evaluate(three(0.0, 2 * MS)), "second ejection lasts 20 s");
    clock.advance(Duration.ofSeconds(6));
    assertEquals(Set.of(), detector.evaluate(three(0.0, 2 * MS)));
  }

  @Test
  void neverMoreThanTheConfiguredShareIsOutAtOnce() {
    List<Figures> allFailing = List.of(new Figures("a", 0.9, MS), new Figures("b", 0.95, MS), new Figures("c", 0.0, MS),
        new Figures("d", 0.0, MS));
    assertEquals(Set.of("a", "b"), detector.evaluate(allFailing), "half of four");

    List<Figures> twoFailingOfTwo = List.of(new Figures("a", 0.9, MS), new Figures("b", 0.0, MS));
    assertEquals(1, new OutlierDetector(clock, 0.5, 5, 10_000, 1.0).evaluate(twoFailingOfTwo).size(), "one always stays");
  }

  @Test
  void aServiceWideProblemEjectsNothing() {
    List<Figures> everyoneFailing = List.of(new Figures("a", 0.9, MS), new Figures("b", 0.9, MS), new Figures("c", 0.9, MS));
    assertEquals(Set.of(), detector.evaluate(everyoneFailing), "no replica stands out from its peers");
  }
}
