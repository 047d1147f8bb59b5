#!/usr/bin/env bash
# JMH micro-benchmark of the balancing strategies: average cost of one Strategy.pick in ns, for each
# strategy with 3, 100 and 10,000 replicas (SelectionCostBenchmark). About 4 minutes on 2 cores.
#
#   bench/selection-cost.sh                          # all 8 strategies x 3 sizes
#   bench/selection-cost.sh -p strategy=p2c,adaptive # any JMH options after the benchmark name
#
# Results are printed and also written to target/selection-cost.json.
set -euo pipefail

cd "$(dirname "$0")/.."
CLASSPATH_FILE=target/selection-cost.classpath

mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CLASSPATH_FILE"

# One fork, 3 warm-up and 5 measured iterations of 1 s each: 24 runs of about 9 s.
exec java -cp "target/test-classes:target/classes:$(cat "$CLASSPATH_FILE")" org.openjdk.jmh.Main \
  SelectionCostBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s -bm avgt -tu ns \
  -rf json -rff target/selection-cost.json "$@"
