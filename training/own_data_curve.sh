#!/usr/bin/env bash
# The learning curve of docs/your-own-data.md: labelled exams given to `autodvt train` vs
# held-out F1, each fine-tuned model compared with the shipped one on the same held-out
# exams by `autodvt eval --compare` (paired bootstrap over patients).
#   bash training/own_data_curve.sh OUT [N...]      (default N: 3 5 10)
# Settings by environment: SUBJECTS (16) phantom exams at FPS (10) frames/s, seed SEED (4242);
# the last HELDOUT (4) are never trained on; EPOCHS (2) x WPE (256) windows; BATCH (16).
# Run it from a `git archive` snapshot, not the live tree.
set -euo pipefail
OUT="${1:?usage: own_data_curve.sh OUT [N...]}"; shift || true
if [ $# -gt 0 ]; then NS=("$@"); else NS=(3 5 10); fi
SUBJECTS="${SUBJECTS:-16}"; FPS="${FPS:-10}"; SEED="${SEED:-4242}"; HELDOUT="${HELDOUT:-4}"
EPOCHS="${EPOCHS:-2}"; WPE="${WPE:-256}"; BATCH="${BATCH:-16}"
CLI="node bin/autodvt.js"
mkdir -p "$OUT"
[ -d "$OUT/exams" ] || $CLI synth --out "$OUT/exams" --subjects "$SUBJECTS" --seed "$SEED" --format dicom \
  --dicom-syntax uncompressed --fps "$FPS" >"$OUT/synth.log"
mapfile -t ALL < <(ls "$OUT"/exams/*.dcm | sort)
POOL=("${ALL[@]:0:$((SUBJECTS - HELDOUT))}")
mkdir -p "$OUT/heldout"
for f in "${ALL[@]:$((SUBJECTS - HELDOUT))}"; do ln -sf "$f" "$OUT/heldout/"; ln -sf "$f.labels.json" "$OUT/heldout/"; done
for n in "${NS[@]}"; do
  $CLI train "${POOL[@]:0:$n}" --out "$OUT/m$n.onnx" --work "$OUT/work" --epochs "$EPOCHS" \
    --windows-per-epoch "$WPE" --batch "$BATCH" --threads 2 --no-in-distribution --json >"$OUT/train-$n.json" 2>"$OUT/train-$n.log"
  $CLI eval "$OUT/heldout" --compare models/autodvt.onnx "$OUT/m$n.onnx" --bootstrap 1000 --json \
    >"$OUT/eval-$n.json" 2>"$OUT/eval-$n.log"
  echo "n=$n done $(date -u +%H:%M:%S)"
done
