#!/usr/bin/env bash
# The main job, end to end on embedded defaults: builds cairn, then in a scratch git
# repository tracks a generated dataset (a folder of small files and one larger file),
# shows status, modifies data, shows status and diff, commits, restores a deleted folder
# with checkout, garbage-collects, pushes to a remote and pulls back into an empty cache —
# then proves real DVC reads the same repository.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
source "$top/scripts/versions.env"
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh" >/dev/null
cairn="$top/build/src/cairn/cairn"
dvc="${CAIRN_DVC_VENV:-$HOME/.cache/cairn/dvc-$DVC_VERSION}/bin/dvc"
export DVC_NO_ANALYTICS=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

git init -q . && git config user.email demo@example.com && git config user.name demo
step "$cairn" init
git commit -qm "init dvc"
python3 - <<'PY'
import os, random
random.seed(7)
os.makedirs("images", exist_ok=True)
for i in range(2000):
    d = f"images/class{i % 10}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/img{i:05d}.bin", "wb") as f:
        f.write(random.randbytes(random.randint(4096, 16384)))
with open("embeddings.bin", "wb") as f:
    f.write(random.randbytes(32 << 20))
PY
step "$cairn" add images embeddings.bin
step cat images.dvc
git add images.dvc embeddings.bin.dvc .gitignore && git commit -qm "track data"
step "$cairn" status
echo "changed" > images/class3/img00003.bin
rm images/class4/img00004.bin
step "$cairn" status
step "$cairn" diff
step "$cairn" commit -f images.dvc
rm -rf images
step "$cairn" checkout
step "$cairn" status
step "$cairn" gc -w -f
git add images.dvc && git commit -qm "update data"

# share through a remote (a local folder here; s3:// works the same)
step "$cairn" remote add -d storage "$work/remote"
step "$cairn" push
rm -rf .dvc/cache images embeddings.bin  # as a fresh clone would be
step "$cairn" pull
step "$cairn" status -c
step "$dvc" status
echo
echo "demo finished: cairn and dvc $DVC_VERSION agree on this repository."
