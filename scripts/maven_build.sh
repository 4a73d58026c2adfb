#!/usr/bin/env bash
# Build a Maven project kept in this repository into PROJECT/target/JAR (with its dependencies
# in PROJECT/target/lib), as neo4j-launcher/build.sh and gephi-check/build.sh ask:
#   bash scripts/maven_build.sh PROJECT JAR
# Idempotent: nothing to do while the jar is newer than pom.xml and the sources; offline from
# ~/.m2 when it holds everything, online (downloading what is missing) otherwise.
set -euo pipefail
if [ "$#" -ne 2 ]; then
  echo "usage: bash scripts/maven_build.sh PROJECT JAR" >&2
  exit 2
fi
cd "$1"
jar="target/$2"
# one build at a time: test workers starting servers at once wait for the first build
mkdir -p target
if command -v flock >/dev/null 2>&1; then
  exec 9>target/.build.lock
  flock 9
fi
if [ -f "$jar" ] && [ -d target/lib ] && [ -z "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  exit 0
fi
mvn -B -q -o package -DskipTests >/dev/null 2>&1 || mvn -B -q package -DskipTests
test -f "$jar"
