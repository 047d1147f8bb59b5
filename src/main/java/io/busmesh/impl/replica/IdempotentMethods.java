package io.busmesh.impl.replica;

import io.busmesh.Idempotent;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

/** The methods a service interface declares {@link Idempotent}, as its replicas announce them. */
public final class IdempotentMethods {

  private IdempotentMethods() {
  }

  /** Every instance method of {@code iface} if the interface is annotated, else the annotated ones. */
  public static Set<String> declaredBy(Class<?> iface) {
    boolean all = iface.isAnnotationPresent(Idempotent.class);
    Set<String> methods = new TreeSet<>();
    for (Method method : iface.getMethods()) {
      if (!Modifier.isStatic(method.getModifiers()) && (all || method.isAnnotationPresent(Idempotent.class))) {
        methods.add(method.getName());
      }
    }
    return methods;
  }
}
