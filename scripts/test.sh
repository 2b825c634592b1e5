#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test suite: GoogleTest unit tests and fuzz
# regressions (ctest), the Python package tests (pytest, against `pip install .`), the
# end-to-end CLI and DVC-interop tests (pytest, real dvc as the oracle), and the benchmark at
# smoke size. Runs every suite even if one fails; exits non-zero if any failed.
set -uo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
cd "$top"
source scripts/versions.env
export DVC_NO_ANALYTICS=1

scripts/install-deps.sh || exit 1
# moto_server for the S3 tests: from PATH, else the pinned venv install-deps made.
export PATH="$PATH:${CAIRN_TOOLS_VENV:-$HOME/.cache/cairn/tools-moto-$MOTO_VERSION}/bin"
scripts/build.sh || { echo "build failed"; exit 1; }

status=0
run() {  # run NAME CMD...
  echo "=== $1"
  shift
  "$@" || { echo "=== FAILED: $*"; status=1; }
}

run "unit tests (ctest)" ctest --test-dir build --output-on-failure -j "$(nproc)"

# The Python package, installed the way users install it.
PYVENV="${CAIRN_PY_VENV:-$top/build/pyvenv}"
if [ ! -x "$PYVENV/bin/python" ]; then python3 -m venv "$PYVENV"; fi
"$PYVENV/bin/pip" install -q --disable-pip-version-check "pytest==$PYTEST_VERSION" "pandas==$PANDAS_VERSION" "pyyaml==$PYYAML_VERSION" >/dev/null
run "python package install" "$PYVENV/bin/pip" install -q --disable-pip-version-check "$top"
run "python tests (pytest)" "$PYVENV/bin/python" -m pytest -q -p no:cacheprovider tests/python

export CAIRN_BIN="$top/build/src/cairn/cairn"
export DVC_BIN="${CAIRN_DVC_VENV:-$HOME/.cache/cairn/dvc-$DVC_VERSION}/bin/dvc"
run "end-to-end and DVC interop tests (pytest)" "$PYVENV/bin/python" -m pytest -q -p no:cacheprovider tests/e2e

run "benchmark (smoke size)" "$PYVENV/bin/python" bench/bench_local.py --smoke
run "remote benchmark (smoke size)" "$PYVENV/bin/python" bench/bench_remote.py --smoke
run "catalog benchmark (smoke size, vs mlflow server)" "$PYVENV/bin/python" bench/bench_catalog.py --smoke
run "pipeline benchmark (smoke size)" "$PYVENV/bin/python" bench/bench_pipeline.py --smoke

if [ $status -eq 0 ]; then echo "=== all suites passed"; else echo "=== some suites FAILED"; fi
exit $status
