#!/usr/bin/env bash
# CI smoke test of the training code: unit tests, a tiny fake dataset, a few CPU training
# steps, ONNX export (window + streaming) with reference files. Exits 0 on success.
#   training/smoke_test.sh [OUT_DIR]      (OUT_DIR keeps the exported models; default: a temp dir)
#   PYTHON=/usr/bin/python3 by default.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/autodvt-smoke.XXXXXX")"
OUT="${1:-$WORK/out}"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
SECONDS=0

(cd "$HERE" && "$PY" -m unittest -q 2>&1 | tail -n 3)
(cd "$HERE" && "$PY" -m autodvt.fakedata "$WORK/data" --subjects 5 --frames 24 --seed 7 >/dev/null)
"$PY" "$HERE/train.py" --data "$WORK/data" --out "$OUT/smoke.onnx" --variant 3d-dual-aug \
  --epochs 2 --max-steps 3 --batch 4 --seed 0 --device cpu > "$WORK/train.json"
"$PY" "$HERE/evaluate.py" --checkpoint "$OUT/smoke.pt" --data "$WORK/data" --split test \
  --device cpu --out "$OUT/smoke.eval.json" >/dev/null 2>&1

for f in smoke.onnx smoke.streaming.onnx smoke.reference.json smoke.reference.npy \
         smoke.streaming.reference.json smoke.streaming.reference.npy smoke.pt smoke.train-log.jsonl smoke.eval.json; do
  [ -s "$OUT/$f" ] || { echo "smoke test: missing $OUT/$f" >&2; exit 1; }
done
"$PY" - "$OUT" <<'PYEOF'
import json, sys, onnx
out = sys.argv[1]
m = onnx.load(f"{out}/smoke.onnx")
meta = {p.key: p.value for p in m.metadata_props}
for k in ("autodvt.model_id", "autodvt.classes.landmark", "autodvt.classes.vein", "autodvt.input",
          "autodvt.normalization", "autodvt.training", "autodvt.metrics"):
    assert k in meta, k
assert json.loads(meta["autodvt.classes.landmark"]) == ["BG", "LM1", "LM2"]
s = json.load(open(f"{out}/smoke.streaming.reference.json"))
assert s["stream_vs_window_max_abs_diff"] <= 1e-4, s["stream_vs_window_max_abs_diff"]
sm = onnx.load(f"{out}/smoke.streaming.onnx")
state = json.loads({p.key: p.value for p in sm.metadata_props}["autodvt.streaming"])["state"]
assert len(state) == len(s["state_shapes"]) > 0, (len(state), s["state_shapes"])
assert [i.name for i in sm.graph.input] == ["frame"] + [st["input"] for st in state]
assert [o.name for o in sm.graph.output] == ["landmark", "vein"] + [st["output"] for st in state]
PYEOF
printf '{"ok": true, "seconds": %d, "out": "%s", "model_id": %s}\n' "$SECONDS" "$OUT" \
  "$("$PY" -c "import json,sys;print(json.dumps(json.load(open(sys.argv[1]))['model_id']))" "$OUT/smoke.reference.json")"
