#!/usr/bin/env bash
# JMH micro-benchmarks of the balancing strategies, in ns per Strategy.pick:
#  - SelectionCostBenchmark: a pick on an unchanged list, for each strategy with 3, 100 and 10,000
#    replicas (24 runs);
#  - ListChangeCostBenchmark (in us): the first pick after the list changes, for each strategy with
#    10,000 replicas, one replica removed, added back, or a new strategy's first pick (24 runs).
# One fork, 3 warm-up and 5 measured iterations of 1 s each: about 9 s a run, 8 minutes in all on 2 cores.
#
#   bench/selection-cost.sh                                       # both benchmarks
#   bench/selection-cost.sh SelectionCostBenchmark -p strategy=p2c,adaptive
#   bench/selection-cost.sh ListChangeCostBenchmark -p strategy=consistent-hash -p change=remove
#   bench/selection-cost.sh AccountingCostBenchmark               # a replica's accounting of one call, in ns
#
# A first argument that is not an option names the benchmarks to run (a JMH regex); any JMH options
# follow. Results are printed and also written to target/selection-cost.json.
set -euo pipefail

cd "$(dirname "$0")/.."
CLASSPATH_FILE=target/selection-cost.classpath

BENCHMARKS='SelectionCostBenchmark|ListChangeCostBenchmark'
if [[ $# -gt 0 && $1 != -* ]]; then
  BENCHMARKS=$1
  shift
fi

mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CLASSPATH_FILE"

exec java -cp "target/test-classes:target/classes:$(cat "$CLASSPATH_FILE")" org.openjdk.jmh.Main \
  "$BENCHMARKS" -f 1 -wi 3 -w 1s -i 5 -r 1s -bm avgt \
  -rf json -rff target/selection-cost.json "$@"
