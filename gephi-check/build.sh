#!/usr/bin/env bash
# Build gephi-check/target/gephi-check.jar (opens GEXF/GraphML with the Gephi toolkit for the
# interchange tests). Idempotent: nothing to do while the jar is newer than pom.xml and the
# sources; offline from ~/.m2 when it holds everything (scripts/maven_build.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../scripts/maven_build.sh" "$here" gephi-check.jar
