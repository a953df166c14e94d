#!/usr/bin/env bash
# Adds one migration, with the same name, for both providers. Migrations are generated, never hand-edited.
#   scripts/add-migration.sh AddSlaPolicies
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh MigrationName}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  project="src/Pishkhan.Migrations.$provider"
  dotnet ef migrations add "$name" --project "$project" --startup-project "$project" --output-dir Migrations
done
dotnet format whitespace src/Pishkhan.Migrations.Sqlite src/Pishkhan.Migrations.Postgres >/dev/null 2>&1 || true
