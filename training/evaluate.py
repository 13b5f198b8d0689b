#!/usr/bin/env python3
"""Evaluate a checkpoint on a dataset split: P/R/F1 per class (O/C, LM1, LM2, BG) + confusion matrices.

  /usr/bin/python3 training/evaluate.py --checkpoint models/autodvt.pt --data DATA --split test --out eval.json

Windows: every 9 consecutive frames of an exam, labelled by the newest frame (frames with
no label for a task are left out of that task's numbers). O/C = mean F1 of open and closed.
"""
import argparse
import json
import sys

import _common  # noqa: F401


def evaluate(checkpoint: str, data: str, split: str = "test", device: str = "auto", batch: int = 128) -> dict:
    from autodvt.data import load_split
    from autodvt.onnx_export import load_checkpoint, model_id
    from autodvt.trainer import evaluate_split, pick_device

    model, ck = load_checkpoint(checkpoint)
    dev = pick_device(device)
    sd = load_split(data, split).to(dev)
    res = evaluate_split(model.to(dev), sd, ck["normalization"], batch)
    return {"model_id": model_id(model.cpu()), "variant": ck["variant"], "data": data, "split": split, **res}


def markdown(res: dict) -> str:
    t = res["table2"]
    cols = [c for c in ("O/C", "LM1", "LM2", "BG") if c in t]
    lines = [f"| {res['variant']} | " + " | ".join(cols) + " |", "| --- |" + " --- |" * len(cols),
             "| F1 | " + " | ".join(f"{t[c]:.3f}" for c in cols) + " |"]
    for task in ("vein", "landmark"):
        if task in res:
            r = res[task]
            lines.append("")
            lines.append(f"{task} confusion (rows true, columns predicted: {', '.join(r['classes'])})")
            for c, row in zip(r["classes"], r["confusion"]):
                lines.append(f"    {c:7s} " + " ".join(f"{v:7d}" for v in row))
            for c, m in r["per_class"].items():
                lines.append(f"    {c:7s} P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} (n={m['support']})")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--split", default="test", choices=["train", "val", "test"])
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--out", help="write the JSON here (default: stdout only)")
    a = ap.parse_args(argv)
    res = evaluate(a.checkpoint, a.data, a.split, a.device)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1)
    print(markdown(res), file=sys.stderr)
    print(json.dumps(res["table2"]))
    return res


if __name__ == "__main__":
    main()
