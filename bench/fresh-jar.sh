# Sourced by the benchmark and demo scripts: fresh_jar builds target/busmesh.jar when it is missing or
# older than the sources it is built from, so that no run measures an older build by mistake. Every
# script runs its JVMs from a private copy of the jar, so rebuilding it never pulls classes from under
# a run in progress.
fresh_jar() {
  local jar=target/busmesh.jar
  if [[ ! -f $jar ]]; then
    echo "busmesh: building $jar" >&2
  elif [[ -n $(find pom.xml src/main src/examples src/bench -newer "$jar" -print -quit) ]]; then
    echo "busmesh: $jar is older than the sources; rebuilding it" >&2
  else
    return 0
  fi
  mvn -B -q -DskipTests package
}
