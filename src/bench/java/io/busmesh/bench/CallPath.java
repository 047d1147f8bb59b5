package io.busmesh.bench;

import io.busmesh.examples.calculator.Calculator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;

import java.util.function.IntFunction;

/**
 * One way of making the benchmark's call, {@code i + 1} computed on the server JVM.
 *
 * @param name the mode's name in the report
 * @param call sends call number {@code i} and completes with the server's answer
 */
record CallPath(String name, IntFunction<Future<Integer>> call) {

  static final String MESH = "mesh";
  /** The mesh with Prometheus metrics on (isolated runs only): its ratio to {@link #MESH} is what metrics cost. */
  static final String MESH_PROMETHEUS = "mesh-prometheus";
  static final String DIRECT_PROXY = "direct-proxy";
  static final String RAW = "raw";
  /** A second direct proxy, measured like the others: its ratio to direct-proxy is the run's own noise (an A/A test). */
  static final String CONTROL = "control";

  /** The path called {@code name}; {@code replicaAddress} is the replica that the direct proxies call. */
  static CallPath of(String name, Vertx vertx, String replicaAddress, DeliveryOptions options) {
    return switch (name) {
      case MESH, MESH_PROMETHEUS -> proxy(name, vertx, BenchServerVerticle.SERVICE, options);
      case DIRECT_PROXY -> directProxy(vertx, replicaAddress, options);
      case CONTROL -> control(vertx, replicaAddress, options);
      case RAW -> raw(vertx, options);
      default -> throw new IllegalArgumentException("no call path called " + name);
    };
  }

  /** The ordinary generated proxy of the service name: through this node's balancer to a replica. */
  static CallPath mesh(Vertx vertx, DeliveryOptions options) {
    return proxy(MESH, vertx, BenchServerVerticle.SERVICE, options);
  }

  /** A generated proxy of one replica's own address: the same handler, without the balancer hop. */
  static CallPath directProxy(Vertx vertx, String replicaAddress, DeliveryOptions options) {
    return proxy(DIRECT_PROXY, vertx, replicaAddress, options);
  }

  /** The same as {@link #directProxy}, under another name: the control of an A/A comparison. */
  static CallPath control(Vertx vertx, String replicaAddress, DeliveryOptions options) {
    return proxy(CONTROL, vertx, replicaAddress, options);
  }

  /** A plain request to a plain consumer: what any event-bus RPC costs at least. */
  static CallPath raw(Vertx vertx, DeliveryOptions options) {
    return new CallPath(RAW, i -> vertx.eventBus()
        .<Integer>request(BenchServerVerticle.RAW_ADDRESS, new JsonObject().put("a", i).put("b", 1), options)
        .map(Message::body));
  }

  private static CallPath proxy(String name, Vertx vertx, String address, DeliveryOptions options) {
    Calculator calculator = new ServiceProxyBuilder(vertx).setAddress(address).setOptions(options).build(Calculator.class);
    return new CallPath(name, i -> calculator.add(i, 1));
  }
}
