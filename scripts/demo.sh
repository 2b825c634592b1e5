#!/usr/bin/env bash
# The main job, end to end on embedded defaults: builds cairn, then in a scratch git
# repository tracks a generated dataset (a folder of small files and one larger file),
# shows status, modifies data, shows status and diff, commits, restores a deleted folder
# with checkout, garbage-collects, pushes to a remote and pulls back into an empty cache, runs a
# small pipeline with parallel stages, logs artifacts and finds them with their lineage —
# and proves real DVC reads the same repository.
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

# a pipeline: two independent stages run at the same time (-j 2), then one that joins them
cat > params.yaml <<'YAML'
train:
  epochs: 3
YAML
step "$cairn" stage add -n count -d images -o counts.txt "find images -type f | wc -l > counts.txt && sleep 1"
step "$cairn" stage add -n checksum -d embeddings.bin -o checksum.txt "md5sum embeddings.bin > checksum.txt && sleep 1"
step "$cairn" stage add -n report -d counts.txt -d checksum.txt -p train.epochs -M metrics.json \
  'printf "{\"files\": %s, \"epochs\": 3}\n" "$(cat counts.txt)" > metrics.json'
step "$cairn" dag
step "$cairn" repro -j 2
step "$cairn" metrics show
step "$cairn" repro
step "$dvc" status
git add dvc.yaml dvc.lock params.yaml .gitignore && git commit -qm "pipeline"

# artifacts: log files with labels, find them by a Mongo-style query; inside `cairn run`,
# what was read becomes the provenance (based_on) of what is logged
export CAIRN_USER=user-a
step "$cairn" artifact log counts.txt checksum.txt --name inputs --label datatype=summary --label ticket=AB-123
step "$cairn" find '{"username": "user-a", "labels.datatype": "summary"}'
step "$cairn" run --name train -- sh -c "$cairn artifact get inputs@latest -o input -q && cat input/counts.txt > model.bin && $cairn artifact log model.bin --name model"
step "$cairn" lineage model@latest --up --mermaid
echo
echo "demo finished: cairn and dvc $DVC_VERSION agree on this repository."
