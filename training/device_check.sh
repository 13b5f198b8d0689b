#!/usr/bin/env bash
# GPU-machine check (one short run): torch 2.x compatibility, unit tests, eager throughput
# (inference + training), a timed mini train_all on a synthetic dataset, determinism on CUDA,
# ONNX export under torch 2.x with an onnxruntime (python) parity check. Results go to $OUT.
set -uo pipefail
OUT="${OUT:-/tmp/device-out}"; mkdir -p "$OUT"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"
cd "$HERE"
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv; "$PY" -c "import torch,sys;print(sys.version, torch.__version__, torch.version.cuda)"; } 2>&1 | tee "$OUT/env.txt"
"$PY" -m unittest -v > "$OUT/unittest.txt" 2>&1; tail -n 30 "$OUT/unittest.txt"
"$PY" bench_torch.py --device cuda --seconds 2 --train --train-batches 32,128 > "$OUT/bench_cuda.json" 2>&1; cat "$OUT/bench_cuda.json"
"$PY" -m autodvt.fakedata /tmp/dd --subjects 30 --frames 300 --seed 1 > /dev/null
# determinism: two identical short runs on CUDA must give the same weights
for i in 1 2; do "$PY" train.py --data /tmp/dd --out /tmp/det$i/m.onnx --epochs 1 --windows-per-epoch 640 --batch 32 --device cuda --variant 3d-dual-aug --max-val-windows 512 > /tmp/det$i.log 2>&1; done
"$PY" - <<'PYEOF' 2>&1 | tee "$OUT/determinism.txt"
import json
a = json.load(open("/tmp/det1/m.reference.json")); b = json.load(open("/tmp/det2/m.reference.json"))
print("determinism: model ids", a["model_id"], b["model_id"], "EQUAL" if a["model_id"] == b["model_id"] else "DIFFERENT")
print("ort python window diff", a.get("ort_python_max_abs_diff"))
s = json.load(open("/tmp/det1/m.streaming.reference.json"))
print("streaming vs window", s["stream_vs_window_max_abs_diff"], "ort python streaming diff", s.get("ort_python_max_abs_diff"))
PYEOF
cp /tmp/det1/m.metrics.json "$OUT/det1.metrics.json" 2>/dev/null
tail -n 5 /tmp/det1.log
# a mini train_all: ABL_EPOCHS=2 SHIP_EPOCHS=2 (timing per epoch, then scale)
ABL_EPOCHS=2 SHIP_EPOCHS=2 DEVICE=cuda bash train_all.sh /tmp/dd /tmp/ta > "$OUT/train_all_mini.txt" 2>&1; echo "rc=$?" >> "$OUT/train_all_mini.txt"
tail -n 30 "$OUT/train_all_mini.txt"
cp /tmp/ta/ablation/ablation.json "$OUT/" 2>/dev/null
grep -h '"epoch"' /tmp/ta/ablation/*.train-log.jsonl | "$PY" -c "
import sys, json
for l in sys.stdin:
    r = json.loads(l); print(r['epoch'], r['train_seconds'], r['epoch_seconds'])" > "$OUT/epoch_times.txt"
for v in 3d-dual-aug 2d-dual; do echo "$v: $(grep -h train_seconds /tmp/ta/ablation/$v.train-log.jsonl | head -3 | cut -c1-400)"; done
