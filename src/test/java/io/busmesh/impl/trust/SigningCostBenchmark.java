package io.busmesh.impl.trust;

import io.busmesh.SecurityOptions;
import io.busmesh.test.DevCertificates;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * JMH: what signing the control plane costs per record, for each {@code "signing"} setting: sealing
 * a registry entry, opening one read again (the verified-envelope cache answers), and opening one
 * not seen before (8,192 distinct envelopes in turn, twice what the cache holds, so each is a miss:
 * signature check and payload parse). Certificates come from bin/dev-ca.sh under target/bench-pki.
 * Run with {@code bash bench/signing-cost.sh} (about 1 minute).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SigningCostBenchmark {

  private static final int DISTINCT = 8_192; // a power of two, for the rotation mask
  private static final Path PKI = Path.of("target", "bench-pki");

  @Param({"none", "hmac", "certificate"})
  public String signing;

  private RecordSigner writer;
  private RecordSigner reader;
  private JsonObject payload;
  private JsonObject sealed;
  private final JsonObject[] distinct = new JsonObject[DISTINCT];
  private int next;

  @Setup
  public void setUp() throws IOException {
    writer = RecordSigner.create(options("bench-writer"));
    reader = RecordSigner.create(options("bench-reader"));
    payload = registryEntry(0);
    sealed = writer.seal("replica", payload);
    for (int i = 0; i < DISTINCT; i++) {
      distinct[i] = writer.seal("replica", registryEntry(i));
    }
    System.out.println("\nbusmesh-bench: a " + signing + " envelope of a " + payload.encode().length() + "-character registry entry is "
        + sealed.encode().length() + " characters");
  }

  private SecurityOptions options(String node) throws IOException {
    return switch (signing) {
      case "none" -> new SecurityOptions();
      case "hmac" -> {
        Files.createDirectories(PKI);
        Path secret = Files.writeString(PKI.resolve("hmac-secret"), "bench-secret-".repeat(4));
        yield new SecurityOptions().setHmacSecretPath(secret.toString());
      }
      default -> {
        if (!Files.exists(PKI.resolve(node + ".crt"))) {
          DevCertificates.make(PKI, node);
        }
        yield new SecurityOptions().setCertificates(PKI.resolve(node + ".key").toString(), PKI.resolve(node + ".crt").toString(),
            PKI.resolve("ca.crt").toString());
      }
    };
  }

  /** A registry entry of the usual size. */
  private static JsonObject registryEntry(int i) {
    return new JsonObject().put("service", "payments").put("address", "busmesh.r.payments.4f9c2a71.1").put("nodeId", "4f9c2a71-8d1e-4b7a-9c55-0d2e6f3a9b10")
        .put("weight", 1).put("zone", "eu-west-1a").put("version", "1.4." + i).put("publishedAt", 1_764_000_000_000L + i);
  }

  @Benchmark
  public JsonObject seal() {
    return writer.seal("replica", payload);
  }

  @Benchmark
  public SignedRecord openCached() throws UntrustedRecordException {
    return reader.open("replica", sealed);
  }

  @Benchmark
  public SignedRecord openUncached() throws UntrustedRecordException {
    return reader.open("replica", distinct[next++ & (DISTINCT - 1)]);
  }

  public static void main(String[] args) throws Exception {
    org.openjdk.jmh.Main.main(args.length > 0 ? args : new String[] {SigningCostBenchmark.class.getSimpleName()});
  }
}
