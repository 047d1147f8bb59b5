package io.busmesh.test;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.AuthorizationProvider;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for a token service (JWT, OAuth2): tokens issued in advance, each naming a user, and the
 * authorizations of each user. Like a remote identity provider, it answers on a thread of its own,
 * never on the caller's Vert.x context, and each authentication gives a new {@link User}.
 */
public final class TestTokens implements AuthenticationProvider, AuthorizationProvider {

  private final Map<String, String> userByToken = new ConcurrentHashMap<>();
  private final Map<String, Set<Authorization>> grants = new ConcurrentHashMap<>();
  private final ExecutorService identityService = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "test-identity-service");
    thread.setDaemon(true);
    return thread;
  });

  /** Issues {@code token} to {@code user}, who holds {@code authorizations}. */
  public TestTokens issue(String token, String user, Authorization... authorizations) {
    userByToken.put(token, user);
    grants.put(user, Set.of(authorizations));
    return this;
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    Promise<User> answer = Promise.promise();
    identityService.execute(() -> {
      String user = credentials instanceof TokenCredentials token ? userByToken.get(token.getToken()) : null;
      if (user == null) {
        answer.fail("unknown token");
      } else {
        answer.complete(User.fromName(user));
      }
    });
    return answer.future();
  }

  @Override
  public String getId() {
    return "test-tokens";
  }

  @Override
  public Future<Void> getAuthorizations(User user) {
    Promise<Void> answer = Promise.promise();
    identityService.execute(() -> {
      user.authorizations().put(getId(), grants.getOrDefault(user.subject(), Set.of()));
      answer.complete();
    });
    return answer.future();
  }
}
