package io.busmesh.impl.replica;

import io.busmesh.test.TestTokens;
import io.busmesh.test.ledger.Ledger;
import io.busmesh.test.ledger.TunableLedger;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import io.vertx.serviceproxy.AuthenticationInterceptor;
import io.vertx.serviceproxy.AuthorizationInterceptor;
import io.vertx.serviceproxy.ServiceBinder;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Why replicas check callers with {@link CallerCheck} and not with vertx-service-proxy's own auth
 * interceptors: what those do in 5.0.7. If a Vert.x upgrade makes these fail, the stock interceptors
 * may have become fit to use.
 */
class StockAuthInterceptorsTest {

  private static final PermissionBasedAuthorization WRITE = PermissionBasedAuthorization.create("ledger:write");

  private final Vertx vertx = Vertx.vertx();
  private final TestTokens tokens = new TestTokens().issue("alice-token", "alice", WRITE).issue("bob-token", "bob");
  private final TunableLedger.Executions executions = new TunableLedger.Executions();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theAuthorizationInterceptorAloneLetsACallWithoutATokenThrough() throws Exception {
    bind(new ServiceBinder(vertx).addInterceptor(AuthorizationInterceptor.create(tokens).addAuthorization(WRITE)));

    assertEquals(1, ledger(null).append("anonymous").await(10, TimeUnit.SECONDS));
  }

  @Test
  void theAuthenticationInterceptorAnswersARejectedTokenWith500Not401() {
    bind(new ServiceBinder(vertx).addInterceptor(AuthenticationInterceptor.create(tokens)));

    assertEquals(500, failureCode(ledger("forged-token").append("forged")));
  }

  @Test
  void aCallWithoutATokenIsJudgedAsTheCallerAuthenticatedBeforeIt() throws Exception {
    // Authentication only where it seems to matter; but the interceptor context is one map for every message.
    bind(new ServiceBinder(vertx)
        .addInterceptor("append", AuthenticationInterceptor.create(tokens))
        .addInterceptor(AuthorizationInterceptor.create(tokens).addAuthorization(WRITE)));

    assertEquals(403, failureCode(ledger("bob-token").append("by-bob")));
    assertEquals(403, failureCode(ledger(null).count("anonymous")), "refused as bob");

    assertEquals(1, ledger("alice-token").append("by-alice").await(10, TimeUnit.SECONDS));
    assertEquals(1, ledger(null).count("by-alice").await(10, TimeUnit.SECONDS), "passes as alice");
  }

  private void bind(ServiceBinder binder) {
    binder.setAddress("ledger").register(Ledger.class, new TunableLedger(vertx, executions, 0));
  }

  private Ledger ledger(String token) {
    ServiceProxyBuilder builder = new ServiceProxyBuilder(vertx).setAddress("ledger");
    return (token == null ? builder : builder.setToken(token)).build(Ledger.class);
  }

  private static int failureCode(Future<?> call) {
    return assertInstanceOf(ReplyException.class, failureOf(call)).failureCode();
  }

  private static Throwable failureOf(Future<?> call) {
    try {
      call.otherwiseEmpty().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the call did not end in time", e);
    }
    assertTrue(call.failed(), "the call succeeded");
    return call.cause();
  }
}
