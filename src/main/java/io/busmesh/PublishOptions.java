package io.busmesh;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.AuthorizationProvider;

/**
 * What a publisher says about its replica (weight, zone, metadata: the registry shares them with every
 * node), and who may call it (authentication and authorization: they stay on this node).
 *
 * <p>The access settings are programmatic only: conf JSON cannot carry a provider, so
 * {@link #PublishOptions(JsonObject)} reads weight, zone and metadata, and {@link #toJson()} writes them alone.
 * They need {@code io.vertx:vertx-auth-common} (or a provider module such as {@code vertx-auth-jwt}) on the
 * classpath, which busmesh does not bring; a replica published without them never loads it.
 */
public class PublishOptions {

  public static final int DEFAULT_WEIGHT = 1;

  private int weight = DEFAULT_WEIGHT;
  private String zone = "";
  private JsonObject metadata = new JsonObject();
  private AuthenticationProvider authentication;
  private AuthorizationProvider authorizationProvider;
  private Authorization requiredAuthorization;

  public PublishOptions() {
  }

  public PublishOptions(JsonObject json) {
    this();
    if (json == null) {
      return;
    }
    ConfigReader in = new ConfigReader("publish options", json, "weight", "zone", "metadata");
    setWeight(in.intBetween("weight", DEFAULT_WEIGHT, 1, Replica.MAX_WEIGHT));
    setZone(in.string("zone", ""));
    setMetadata(in.object("metadata", new JsonObject()));
  }

  public int getWeight() {
    return weight;
  }

  public PublishOptions setWeight(int weight) {
    if (weight < 1 || weight > Replica.MAX_WEIGHT) {
      throw new IllegalArgumentException("replica weight must be between 1 and " + Replica.MAX_WEIGHT + ", got " + weight);
    }
    this.weight = weight;
    return this;
  }

  public String getZone() {
    return zone;
  }

  public PublishOptions setZone(String zone) {
    this.zone = zone == null ? "" : zone;
    return this;
  }

  public JsonObject getMetadata() {
    return metadata;
  }

  public PublishOptions setMetadata(JsonObject metadata) {
    this.metadata = metadata == null ? new JsonObject() : metadata;
    return this;
  }

  public AuthenticationProvider getAuthentication() {
    return authentication;
  }

  /**
   * Requires every call to carry a token that {@code provider} accepts, in the {@code auth-token} header that
   * callers set with {@code ServiceProxyBuilder.setToken}. A call without one, or with one the provider rejects, is
   * refused with {@link MeshProtocol#UNAUTHENTICATED} before anything else runs; each call is checked on its own.
   *
   * @param provider checks the token, e.g. a {@code JWTAuth}; {@code null} turns the check off
   */
  public PublishOptions setAuthentication(AuthenticationProvider provider) {
    this.authentication = provider;
    return this;
  }

  public AuthorizationProvider getAuthorizationProvider() {
    return authorizationProvider;
  }

  public Authorization getRequiredAuthorization() {
    return requiredAuthorization;
  }

  /**
   * Requires the authenticated caller of every call to match {@code required}; a caller who does not is refused with
   * {@link MeshProtocol#FORBIDDEN}. Needs {@link #setAuthentication}: publishing fails without it, since a call
   * with no authenticated caller must not pass. {@code required} is matched with the variables {@code service} and
   * {@code method} (the method called), so one requirement can differ per method, e.g.
   * {@code PermissionBasedAuthorization.create("call").setResource("ledger/{method}")}; combine several with
   * {@code AndAuthorization} or {@code OrAuthorization}.
   *
   * @param provider loads the caller's authorizations before the match (e.g. a {@code JWTAuthorization} or a
   *                 database-backed provider), or {@code null} if the authentication provider already gives
   *                 users theirs
   * @param required what the caller must have; {@code null} (with a {@code null} provider) turns the check off
   */
  public PublishOptions setAuthorization(AuthorizationProvider provider, Authorization required) {
    if (required == null && provider != null) {
      throw new IllegalArgumentException("an authorization provider needs the authorization it must find: pass the"
          + " required Authorization, e.g. PermissionBasedAuthorization.create(\"ledger:write\")");
    }
    this.authorizationProvider = provider;
    this.requiredAuthorization = required;
    return this;
  }

  public JsonObject toJson() {
    return new JsonObject().put("weight", weight).put("zone", zone).put("metadata", metadata.copy());
  }
}
