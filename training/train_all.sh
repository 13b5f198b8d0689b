#!/usr/bin/env bash
# One shot: the six Table 2 ablation rows (8 trainings) + the shipped model (3d-dual-aug).
#   training/train_all.sh DATA_DIR OUT_DIR
# Writes OUT_DIR/autodvt.onnx (+ .streaming.onnx, references, .pt, logs, metrics),
# OUT_DIR/ablation/*.{pt,metrics.json,train-log.jsonl}, OUT_DIR/ablation/ablation.json, OUT_DIR/ablation.md.
# Then, in the repo:  cp OUT_DIR/autodvt.* models/ ;
#   /usr/bin/python3 training/ablation.py --from-json OUT_DIR/ablation/ablation.json --md docs/ablation.md
# If the Python there lacks the `onnx` package, only checkpoints are written: export them with
#   /usr/bin/python3 training/export.py --checkpoint OUT_DIR/autodvt.pt --out models/autodvt.onnx --streaming --data DATA_DIR
#
# Budget (every run draws a fixed number of windows, independent of the dataset's size):
#   ablation: ABL_EPOCHS x WPE windows per run, 8 runs; shipped: SHIP_EPOCHS x WPE windows.
#   The shipped model trains with deterministic algorithms (bit-reproducible given the seed on the
#   same machine + software); on CUDA the ablation runs use cuDNN's fast non-deterministic algorithms
#   (--cudnn-benchmark, ~4x faster for 3D) unless ABL_DETERMINISTIC=1. On CPU everything is deterministic.
#   Measured on one H100 (torch 2.11, fp32, batch 32, 8192 windows/epoch): 3D epoch 19.3 s deterministic,
#   4.5 s with cuDNN benchmark; 2D epoch ~2.5 s. Defaults (ABL_EPOCHS=8, SHIP_EPOCHS=8): ~7 min in all (estimate from those timings).
# Env overrides: PYTHON (default python3), DEVICE (auto|cpu|cuda), ABL_EPOCHS, SHIP_EPOCHS, WPE, BATCH,
#   MAX_VAL (val windows per epoch), SEED, ABL_DETERMINISTIC (0|1).
set -euo pipefail
if [ $# -ne 2 ]; then echo "usage: $0 DATA_DIR OUT_DIR" >&2; exit 2; fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA="$1"; OUT="$2"
PY="${PYTHON:-python3}"
DEVICE="${DEVICE:-auto}"
ABL_EPOCHS="${ABL_EPOCHS:-8}"
SHIP_EPOCHS="${SHIP_EPOCHS:-8}"
ABL_DETERMINISTIC="${ABL_DETERMINISTIC:-0}"
WPE="${WPE:-8192}"
BATCH="${BATCH:-32}"
MAX_VAL="${MAX_VAL:-4096}"
SEED="${SEED:-0}"
mkdir -p "$OUT/ablation"

"$PY" - "$DEVICE" "$ABL_EPOCHS" "$SHIP_EPOCHS" "$WPE" "$ABL_DETERMINISTIC" <<'PYEOF'
import sys, torch
dev, abl, ship, wpe, abl_det = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
cuda = torch.cuda.is_available() and dev != "cpu"
# windows/s in the real training loop (augmentation + gather included), batch 32, fp32:
#   H100, torch 2.11: 3D 424 deterministic, 1820 cuDNN benchmark; 2D ~3300
#   2-core AMD EPYC, torch 1.13: 3D ~20, 2D ~60 (estimated from the 2D/3D MAC ratio)
if cuda:
    r3_ship, r3_abl, r2 = 424.0, (424.0 if abl_det else 1820.0), 3300.0
else:
    r3_ship, r3_abl, r2 = 20.0, 20.0, 60.0
est = wpe * (4 * abl / r3_abl + 4 * abl / r2 + ship / r3_ship) + 9 * 4  # + ~4 s per run (load, eval, export)
where = torch.cuda.get_device_name(0) if cuda else "CPU"
print(f"[train_all] {wpe * (8 * abl + ship):,} training windows in all on {where}; estimate ~{est / 60:.1f} min"
      + ("" if cuda else f" = {est / 3600:.1f} h (use a GPU machine)"), flush=True)
PYEOF
ABL_FAST=""
if [ "$ABL_DETERMINISTIC" != "1" ]; then ABL_FAST="--cudnn-benchmark"; fi

SECONDS=0
"$PY" "$HERE/ablation.py" --data "$DATA" --out-dir "$OUT/ablation" --epochs "$ABL_EPOCHS" \
  --windows-per-epoch "$WPE" --batch "$BATCH" --max-val-windows "$MAX_VAL" --seed "$SEED" \
  --device "$DEVICE" --md "$OUT/ablation.md" $ABL_FAST > "$OUT/ablation.stdout.md"
echo "[train_all] ablation done in ${SECONDS}s"
"$PY" "$HERE/train.py" --data "$DATA" --out "$OUT/autodvt.onnx" --variant 3d-dual-aug --epochs "$SHIP_EPOCHS" \
  --windows-per-epoch "$WPE" --batch "$BATCH" --max-val-windows "$MAX_VAL" --seed "$SEED" --device "$DEVICE" \
  > "$OUT/autodvt.stdout.txt"
tail -n 40 "$OUT/autodvt.stdout.txt"
echo "[train_all] all done in ${SECONDS}s"
cat "$OUT/ablation.md"
