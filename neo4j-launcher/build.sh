#!/usr/bin/env bash
# Build neo4j-launcher/target/neo4j-launcher.jar (a local Neo4j 5 + GDS for the store tests).
# Idempotent: nothing to do while the jar is newer than pom.xml and the sources; offline from
# ~/.m2 when it holds everything (scripts/maven_build.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../scripts/maven_build.sh" "$here" neo4j-launcher.jar
