package io.busmesh;

import io.vertx.core.json.JsonObject;

/** What a publisher says about its replica; the registry shares it with every node. */
public class PublishOptions {

  public static final int DEFAULT_WEIGHT = 1;

  private int weight = DEFAULT_WEIGHT;
  private String zone = "";
  private JsonObject metadata = new JsonObject();

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

  public JsonObject toJson() {
    return new JsonObject().put("weight", weight).put("zone", zone).put("metadata", metadata.copy());
  }
}
