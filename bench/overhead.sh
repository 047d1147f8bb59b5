#!/usr/bin/env bash
# Overhead benchmark of busmesh on loopback. The server JVM publishes one calculator replica and a
# raw consumer; the client JVM starts one JVM per call path (mesh, a proxy of the replica's own
# address, raw requests, a second direct proxy as control), has them take turns, and prints a table,
# ratios and one JSON line.
#
#   bench/overhead.sh                          # defaults: about 9 minutes on 2 cores
#   bench/overhead.sh '{"isolated": false}'    # every path in the client JVM itself (what one profiler sees)
#   bench/overhead.sh '{"rounds": 5}'          # conf of OverheadBenchmark (see BenchOptions)
#   BENCH_TLS=1 bench/overhead.sh              # both event buses over mutual TLS (certificates from bin/dev-ca.sh)
# Four runner JVMs start and warm up in turn: the client needs longer than run-pair.sh's default bound.
export BENCH_TIMEOUT_SECONDS=${BENCH_TIMEOUT_SECONDS:-480}
exec "$(dirname "$0")/run-pair.sh" io.busmesh.bench.BenchServerVerticle 'busmesh-bench: server ready' \
  io.busmesh.bench.OverheadBenchmark "$@"
