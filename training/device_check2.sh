#!/usr/bin/env bash
# Second, short GPU check: unit tests verbose under torch 2.x, training throughput with deterministic
# algorithms vs cuDNN benchmark, and the real training loop's epoch time in both modes.
set -uo pipefail
OUT="${OUT:-/tmp/device-out}"; mkdir -p "$OUT"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"
cd "$HERE"
for i in 1 2 3; do "$PY" -m unittest -v > "$OUT/unittest$i.txt" 2>&1; tail -n 3 "$OUT/unittest$i.txt"; grep -A25 '^FAIL:\|^ERROR:' "$OUT/unittest$i.txt" | head -40; done
"$PY" bench_torch.py --device cuda --seconds 1.5 --batches 1 --train --deterministic --train-variants 3d-dual --train-batches 32,64,128 > "$OUT/bench_det.json" 2>&1
"$PY" bench_torch.py --device cuda --seconds 1.5 --batches 1 --train --train-variants 3d-dual --train-batches 32,64,128 > "$OUT/bench_fast.json" 2>&1
grep -A20 '"train"' "$OUT/bench_det.json" "$OUT/bench_fast.json"
"$PY" -m autodvt.fakedata /tmp/dd --subjects 30 --frames 300 --seed 1 > /dev/null
for mode in det fast; do for b in 32 64; do
  extra=""; [ $mode = fast ] && extra="--cudnn-benchmark"
  "$PY" train.py --data /tmp/dd --out /tmp/t_${mode}_$b/m.onnx --epochs 2 --windows-per-epoch 8192 --batch $b --device cuda \
    --variant 3d-dual-aug --max-val-windows 4096 --no-export $extra > "$OUT/train_${mode}_$b.txt" 2>&1
  echo "$mode batch $b: $(grep -h epoch_seconds /tmp/t_${mode}_$b/m.train-log.jsonl | "$PY" -c "import sys,json;print([json.loads(l)['train_seconds'] for l in sys.stdin])")"
  grep -h 'epoch 2/2' "$OUT/train_${mode}_$b.txt"
done; done
