package io.busmesh.examples.calculator;

import io.busmesh.Idempotent;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.core.Future;

/**
 * Integer arithmetic as a service. An ordinary {@code @ProxyGen} interface: the build generates
 * {@code CalculatorVertxEBProxy} and {@code CalculatorVertxProxyHandler}. Every method is a pure
 * function, so {@link Idempotent}: busmesh may run a call again on another replica when its answer was lost.
 */
@ProxyGen
@Idempotent
public interface Calculator {

  /** Failure code of a division by zero. */
  int DIVISION_BY_ZERO = 400;

  Future<Integer> add(int a, int b);

  Future<Integer> subtract(int a, int b);

  Future<Integer> multiply(int a, int b);

  /** Integer division; fails with a {@code ServiceException} of code {@link #DIVISION_BY_ZERO} when {@code b} is 0. */
  Future<Integer> divide(int a, int b);
}
