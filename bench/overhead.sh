#!/usr/bin/env bash
# Overhead benchmark of busmesh: two JVMs on loopback. The server JVM publishes one calculator
# replica and a raw consumer; the client JVM calls them through the mesh, through a proxy of the
# replica's own address and as raw requests, and prints a table, ratios and one JSON line.
#
#   bench/overhead.sh                          # defaults: about 2 minutes on 2 cores, at most about 4.5
#   bench/overhead.sh '{"rounds": 5}'          # conf of OverheadBenchmark (see BenchOptions)
#   BENCH_TLS=1 bench/overhead.sh              # both event buses over mutual TLS (certificates from bin/dev-ca.sh)
exec "$(dirname "$0")/run-pair.sh" io.busmesh.bench.BenchServerVerticle 'busmesh-bench: server ready' \
  io.busmesh.bench.OverheadBenchmark "$@"
