#!/usr/bin/env bash
# Strategy benchmark of busmesh: two JVMs on loopback (the client JVM also hosts the extra caller
# nodes of part b, each its own cluster member). Prints (a) per strategy, with one replica 20x
# slower: throughput, p50/p99/p99.9 and the share of calls sent to the slow replica; (b) with four
# caller nodes: max/mean in-flight across replicas, shared cluster-wide view versus local view.
#
#   bench/strategies.sh                                   # about 2 minutes on 2 cores
#   bench/strategies.sh '{"calls": 50000, "sharedSeconds": 10}'
exec "$(dirname "$0")/run-pair.sh" io.busmesh.bench.StrategyBenchServer 'busmesh-bench: strategy server ready' \
  io.busmesh.bench.StrategyBenchmark "$@"
