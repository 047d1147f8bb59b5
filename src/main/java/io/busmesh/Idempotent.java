package io.busmesh;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a method of a {@code @ProxyGen} service interface (or, on the interface, all of its
 * methods) safe to run more than once with the same arguments: a read, or a write keyed by an id
 * the service deduplicates.
 * <p>
 * busmesh retries a call on another replica only when it provably never ran (no handler, a breaker
 * or the replica refused it), unless its method is idempotent: then also when it may have run but
 * its answer was lost (a timeout, the replica's node died). Hedged requests, too, are sent only for
 * idempotent methods. A call of any other method whose answer was lost fails with
 * {@link MeshProtocol#OUTCOME_UNKNOWN}, saying it may or may not have run.
 * <p>
 * The replica publishes what it declares in its registry entry, so every caller knows it; a method
 * counts as idempotent when every replica of the service declares it, or when the caller's conf
 * lists it in {@code idempotentMethods}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Idempotent {
}
