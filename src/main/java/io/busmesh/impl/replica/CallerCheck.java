package io.busmesh.impl.replica;

import io.busmesh.MeshProtocol;
import io.busmesh.PublishOptions;
import io.busmesh.Replica;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.AuthorizationContext;
import io.vertx.ext.auth.authorization.AuthorizationProvider;
import io.vertx.serviceproxy.ServiceInterceptor;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Who may call a replica, checked on every call before anything else runs there, fail-closed: no
 * token or a rejected one is refused with 401, a caller without the required authorization with 403.
 *
 * <p>Not vertx-service-proxy's {@code AuthenticationInterceptor} and {@code AuthorizationInterceptor}
 * (5.0.7), because: the authorization one passes any call when the interceptor context holds no
 * {@code "user"}, so alone it lets a call without a token through; that context is one map per
 * consumer, shared by all its messages, and the authentication one writes the user there and never
 * removes it, so a check of one call can read the caller of another; and a token its provider rejects
 * comes back as 500, not 401. This check keeps the caller in the variables of one call and never uses
 * that map.
 *
 * <p>It sits before the {@link CallGuard}: a refused call is never counted in flight, adds nothing to the
 * load the replica reports, and is never waited for by a closing replica.
 */
final class CallerCheck implements ServiceInterceptor {

  private final String service;
  private final String address;
  private final AuthenticationProvider authentication;
  private final AuthorizationProvider authorizationProvider;
  private final Authorization required;

  private CallerCheck(Replica replica, PublishOptions options) {
    this.service = replica.service();
    this.address = replica.address();
    this.authentication = options.getAuthentication();
    this.authorizationProvider = options.getAuthorizationProvider();
    this.required = options.getRequiredAuthorization();
  }

  /**
   * The check {@code options} ask for. Typed as a plain interceptor, and only called when they ask for
   * authentication, so that a replica published without it never loads this class nor vertx-auth.
   */
  static ServiceInterceptor create(Replica replica, PublishOptions options) {
    return new CallerCheck(replica, options);
  }

  @Override
  public Future<Message<JsonObject>> intercept(Vertx vertx, Map<String, Object> sharedContext, Message<JsonObject> call) {
    String method = call.headers().get(MeshProtocol.ACTION_HEADER);
    String token = call.headers().get(MeshProtocol.AUTH_TOKEN_HEADER);
    if (token == null || token.isBlank()) {
      return Future.failedFuture(refusal(MeshProtocol.UNAUTHENTICATED, method, "it carries no token and this replica"
          + " requires one. Give the caller's proxy a token: new ServiceProxyBuilder(vertx).setAddress(\"" + service
          + "\").setToken(token)"));
    }
    // A provider may answer on any thread; the service must still run on the replica's own context.
    Promise<Message<JsonObject>> checked = ((ContextInternal) vertx.getOrCreateContext()).promise();
    authenticate(token, method)
        .compose(user -> authorize(user, method))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            checked.complete(call);
          } else if (ar.cause() instanceof ReplyException refused) {
            checked.fail(refused);
          } else {
            // The service-proxy handler casts a failure to ReplyException; anything else would leave the caller waiting.
            checked.fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, prefix(method)
                + "checking the caller failed (" + reason(ar.cause()) + "); it was not run"));
          }
        });
    return checked.future();
  }

  private Future<User> authenticate(String token, String method) {
    return attempt(() -> authentication.authenticate(new TokenCredentials(token))).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(refusal(MeshProtocol.UNAUTHENTICATED, method, "its token was rejected ("
            + reason(ar.cause()) + "). Call with a valid token (ServiceProxyBuilder.setToken)"));
      }
      if (ar.result() == null) {
        return Future.failedFuture(refusal(MeshProtocol.UNAUTHENTICATED, method,
            "its token identifies no user. Call with a valid token (ServiceProxyBuilder.setToken)"));
      }
      return Future.succeededFuture(ar.result());
    });
  }

  private Future<Void> authorize(User user, String method) {
    if (required == null) {
      return Future.succeededFuture();
    }
    Future<Void> loaded = authorizationProvider == null ? Future.succeededFuture()
        : attempt(() -> authorizationProvider.getAuthorizations(user));
    return loaded.transform(ar -> {
      if (ar.failed()) {
        // Not the caller's fault, but still no pass: a requirement that cannot be checked is not met.
        return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, prefix(method)
            + "the rights of caller " + name(user) + " could not be read (" + reason(ar.cause()) + "); it was not run."
            + " Check the authorization provider of the replica, then call again"));
      }
      if (!matches(user, method)) {
        return Future.failedFuture(refusal(MeshProtocol.FORBIDDEN, method, "caller " + name(user) + " lacks " + required
            + ". Grant it that authorization, or call with the token of a caller who has it"));
      }
      return Future.succeededFuture();
    });
  }

  private boolean matches(User user, String method) {
    MultiMap variables = MultiMap.caseInsensitiveMultiMap().add("service", service);
    if (method != null) {
      variables.add("method", method);
    }
    try {
      return required.match(AuthorizationContext.create(user, variables));
    } catch (RuntimeException e) {
      return false; // fail closed: a requirement that cannot be evaluated is not met
    }
  }

  /** The provider's future, or a failed one if it threw: every outcome must become a reply, never a lost call. */
  private static <T> Future<T> attempt(Supplier<Future<T>> providerCall) {
    try {
      Future<T> future = providerCall.get();
      return future == null ? Future.failedFuture("the provider returned no future") : future;
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** A refusal the caller gets as is: the service-proxy handler fails the call with its code and message. */
  private ReplyException refusal(int code, String method, String why) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, prefix(method) + why);
  }

  private String prefix(String method) {
    return "Call to service '" + service + "'" + (method == null ? "" : " (method '" + method + "')")
        + " refused by replica " + address + ": ";
  }

  private static String name(User user) {
    String subject = user.subject();
    return subject == null ? "(no subject)" : "'" + subject + "'";
  }

  private static String reason(Throwable cause) {
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
