#!/usr/bin/env bash
# Build neo4j-launcher/target/neo4j-launcher.jar (a local Neo4j 5 + GDS for the store tests).
# Idempotent: nothing to do while the jar is newer than pom.xml and the sources.
set -euo pipefail
cd "$(dirname "$0")"
jar=target/neo4j-launcher.jar
if [ -f "$jar" ] && [ -d target/lib ] && [ -z "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  exit 0
fi
mvn -B -q -o package -DskipTests >/dev/null 2>&1 || mvn -B -q package -DskipTests
test -f "$jar"
