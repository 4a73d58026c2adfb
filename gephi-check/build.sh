#!/usr/bin/env bash
# Build gephi-check/target/gephi-check.jar (opens GEXF/GraphML with the Gephi toolkit for the
# interchange tests). Idempotent: nothing to do while the jar is newer than pom.xml and the
# sources; offline from ~/.m2 when it holds everything.
set -euo pipefail
cd "$(dirname "$0")"
jar=target/gephi-check.jar
if [ -f "$jar" ] && [ -d target/lib ] && [ -z "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  exit 0
fi
mvn -B -q -o package -DskipTests >/dev/null 2>&1 || mvn -B -q package -DskipTests
test -f "$jar"
