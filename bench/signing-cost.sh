#!/usr/bin/env bash
# JMH micro-benchmark of control-plane signing: average cost in ns of sealing a registry entry and of
# opening one, cached and not, for "signing": none, hmac and certificate (SigningCostBenchmark).
# About 1 minute. Needs openssl (the certificates come from bin/dev-ca.sh, under target/bench-pki).
#
#   bench/signing-cost.sh                          # all three settings
#   bench/signing-cost.sh -p signing=certificate   # any JMH options after the benchmark name
#
# Results are printed and also written to target/signing-cost.json.
set -euo pipefail

cd "$(dirname "$0")/.."
CLASSPATH_FILE=target/signing-cost.classpath

mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CLASSPATH_FILE"

exec java -cp "target/test-classes:target/classes:$(cat "$CLASSPATH_FILE")" org.openjdk.jmh.Main \
  SigningCostBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s -bm avgt -tu ns \
  -rf json -rff target/signing-cost.json "$@"
