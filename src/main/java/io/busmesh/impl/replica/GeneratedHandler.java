package io.busmesh.impl.replica;

import io.vertx.core.Vertx;
import io.vertx.serviceproxy.ProxyHandler;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

/** The handler vertx-codegen generates for a {@code @ProxyGen} interface, made as ServiceBinder makes it. */
final class GeneratedHandler {

  /** ServiceBinder's default: only non-top-level services (proxies returned by proxies) time out. */
  private static final long TIMEOUT_SECONDS = 300;

  private GeneratedHandler() {
  }

  static <T> ProxyHandler create(Vertx vertx, Class<T> iface, T impl) {
    String name = iface.getName() + "VertxProxyHandler";
    try {
      Class<?> handler = Class.forName(name, true, iface.getClassLoader());
      return (ProxyHandler) handler.getConstructor(Vertx.class, iface, boolean.class, long.class, boolean.class)
          .newInstance(vertx, impl, true, TIMEOUT_SECONDS, false);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("No generated handler " + name + " for " + iface.getName() + ": annotate it"
          + " with @ProxyGen (and its package with @ModuleGen) and run vertx-codegen's annotation processor", e);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException("Cannot make the generated handler " + name + ": " + e, e);
    }
  }

  /** The names of the methods a proxy of {@code iface} can call. */
  static Set<String> methodsOf(Class<?> iface) {
    Set<String> names = new TreeSet<>();
    for (Method method : iface.getMethods()) {
      if (!Modifier.isStatic(method.getModifiers()) && method.getDeclaringClass() != Object.class) {
        names.add(method.getName());
      }
    }
    return names;
  }
}
