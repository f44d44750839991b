#!/usr/bin/env bash
# Formats the code: clang-format for the C and C++ (.clang-format), Prettier for TypeScript,
# JavaScript, CSS and HTML (.prettierrc.json). With --check it changes nothing and fails on
# any file that is not formatted (npm test runs it that way).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t cpp < <(git ls-files '*.c' '*.cpp' '*.h')
if [ "${1:-}" = --check ]; then
  clang-format --dry-run --Werror "${cpp[@]}"
  npx prettier --check --log-level warn .
else
  clang-format -i "${cpp[@]}"
  npx prettier --write --log-level warn .
fi
