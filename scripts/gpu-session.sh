#!/usr/bin/env bash
# One GPU-machine session (the `device` tool: about 15 minutes, no Node installed there, 64 MiB
# carried): the webgpu model-only benchmark and a fair rerun of the Table 2 ablation.
# Prepared here with scripts/gpu-session-prepare.sh, which writes the carried files:
#   .devcarry/node.xz          this machine's Node binary (xz)
#   .devcarry/ortnm.tar.xz     onnxruntime-node (Linux x64 binaries only) + onnxruntime-common
#   .devcarry/x/y/autodvt.mjs  the CLI bundled by esbuild (two folders down, so that
#                              import.meta.dirname + '../../..' is the repository root, as in src/)
#   .gl/*.deb                  the Vulkan loader for Dawn (webgpu), per the device notes
# Run there from the repository root:  bash scripts/gpu-session.sh   (results in $OUT)
# Settings by environment: SHARDS (24) x EXAMS_PER_SHARD (5) phantom subjects, seeds SEED0 + 1000 i;
# EPOCHS (8) x WPE (8192) windows per ablation run; BUDGET_S (560) for the whole script.
set -uo pipefail
OUT="${OUT:-/tmp/gpu-out}"; mkdir -p "$OUT"
exec > >(tee -a "$OUT/log.txt") 2>&1
SHARDS="${SHARDS:-24}"; EXAMS_PER_SHARD="${EXAMS_PER_SHARD:-5}"; SEED0="${SEED0:-30000}"
EPOCHS="${EPOCHS:-8}"; WPE="${WPE:-8192}"; BUDGET_S="${BUDGET_S:-560}"; DEVICE="${DEVICE:-cuda}"
stamp() { echo "[gpu-session ${SECONDS}s] $*"; }

stamp "unpacking Node, onnxruntime-node and the Vulkan loader"
for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] && export VK_DRIVER_FILES="$icd"
egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
[ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES="$egl"
"${PYTHON:-python3}" - <<'PY'
import lzma, shutil, tarfile, os
with lzma.open(".devcarry/node.xz") as src, open("/tmp/node", "wb") as dst:
    shutil.copyfileobj(src, dst)
os.chmod("/tmp/node", 0o755)
with tarfile.open(".devcarry/ortnm.tar.xz", "r:xz") as t:
    t.extractall(".devcarry")
PY
NODE="/tmp/node --initial-old-space-size=128"
PY="${PYTHON:-python3}"
CLI=.devcarry/x/y/autodvt.mjs
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv; /tmp/node --version; "$PY" -c "import torch; print('torch', torch.__version__)";
  ls /usr/local/nvidia/share/vulkan/icd.d /etc/vulkan/icd.d /usr/share/vulkan/icd.d 2>&1; ldconfig -p | grep -i vulkan; nproc; } > "$OUT/env.txt" 2>&1
cat "$OUT/env.txt"

stamp "webgpu: model-only floors beside the CPU provider"
timeout 150 $NODE $CLI bench --scenario model --provider webgpu --model models/autodvt.onnx --model-seconds 2 \
  --json --out "$OUT/webgpu.md" > "$OUT/webgpu.json" 2> "$OUT/webgpu.err"
echo "webgpu bench rc=$?"; tail -n 12 "$OUT/webgpu.err"; cat "$OUT/webgpu.md" 2>/dev/null | head -30

stamp "phantom data: $SHARDS shards x $EXAMS_PER_SHARD subjects in parallel"
rm -rf /tmp/shards /tmp/ds; mkdir -p /tmp/shards
seq 0 $((SHARDS - 1)) | xargs -P "$(nproc)" -I{} sh -c \
  "OUT=/tmp/shards/s{} $NODE $CLI run pipelines/phantom-dataset.yaml --set source.exams=$EXAMS_PER_SHARD --set source.seed=\$(( $SEED0 + 1000 * {} )) > /tmp/shards/s{}.log 2>&1 || echo 'shard {} failed'"
tail -n 2 /tmp/shards/s0.log
"$PY" training/merge_datasets.py /tmp/ds $(ls -d /tmp/shards/s*/) --link || exit 1
du -sh /tmp/ds

left=$((BUDGET_S - SECONDS))
stamp "ablation: 8 runs x $EPOCHS epochs x $WPE windows ($left s left)"
(cd training && PYTHONUNBUFFERED=1 timeout "$left" "$PY" ablation.py --data /tmp/ds --out-dir /tmp/abl --epochs "$EPOCHS" \
  --windows-per-epoch "$WPE" --batch 32 --max-val-windows 4096 --seed 0 --device "$DEVICE" --cudnn-benchmark \
  --md "$OUT/ablation.md" > "$OUT/ablation.stdout.txt" 2>&1)
echo "ablation rc=$?"; tail -n 5 "$OUT/ablation.stdout.txt"
"$PY" -c "import json; d=json.load(open('/tmp/ds/index.json')); print(json.dumps({k: v for k, v in d.items() if k != 'exams'}))" > "$OUT/dataset-header.json"
tar -C /tmp/abl -czf "$OUT/ablation-runs.tgz" --exclude='*.pt' . 2>/dev/null
stamp "done"
