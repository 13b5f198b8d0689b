#!/usr/bin/env python3
"""Train an AutoDVT variant on a `dataset` sink folder and export it to ONNX.

  /usr/bin/python3 training/train.py --data DATA --out models/autodvt.onnx --variant 3d-dual-aug --epochs 50

Writes, next to --out (stem = path without .onnx):
  <stem>.onnx, <stem>.reference.{json,npy}          window model + parity reference
  <stem>.streaming.onnx, <stem>.streaming.reference.{json,npy}   (3D variants)
  <stem>.pt                  checkpoint (weights, variant, normalisation, provenance, metrics)
  <stem>.train-log.jsonl     one JSON line per epoch (loss, val P/R/F1, time) + a final line
  <stem>.metrics.json        validation (best epoch) and test metrics, Table 2 layout
"""
import argparse
import json
import os
import sys
import time

import _common  # noqa: F401  (sys.path)
from _common import stem_of

from autodvt.trainer import DEFAULTS, Trainer, compact_metrics


def export_all(res: dict, out: str, splits=None, log=print) -> dict:
    from autodvt.onnx_export import export_streaming, export_window, save_checkpoint

    stem = stem_of(out)
    model, norm = res["model"], res["norm"]
    save_checkpoint(stem + ".pt", model, norm, res["training"], res["metrics"])
    with open(stem + ".metrics.json", "w", encoding="utf-8") as f:
        json.dump({"variant": model.variant.name, "training": res["training"], **res["metrics"]}, f, indent=1)
    try:
        import onnx  # noqa: F401
    except Exception:
        log(f"python 'onnx' package missing: wrote {stem}.pt only; export later with training/export.py --checkpoint")
        return {"checkpoint": stem + ".pt"}
    ref_win = ref_clip = None
    if splits is not None and len(splits.get("test", [])) >= 2:
        from autodvt.model import WINDOW
        t = splits["test"]
        e = t.ends.cpu()
        pick = e[[len(e) // 3, (2 * len(e)) // 3]]
        ref_win = t.windows(pick.to(t.frames.device)).cpu()
        # a 12-frame clip of consecutive frames of one exam (the one holding the first pick)
        start = int(pick[0]) - (WINDOW - 1)
        same = (t.exam_of_end == t.exam_of_end[len(e) // 3])
        last = int(e[same].max())
        if last - start + 1 >= 12:
            ref_clip = t.frames[start:start + 12].cpu().unsqueeze(0)
    meta_metrics = compact_metrics(res["metrics"])
    out_info = {"checkpoint": stem + ".pt",
                "window": export_window(model, stem + ".onnx", norm, res["training"], meta_metrics, ref_win)}
    if model.variant.dims == 3:
        out_info["streaming"] = export_streaming(model, stem + ".streaming.onnx", norm, res["training"],
                                                 meta_metrics, ref_clip)
    return out_info


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="dataset folder (index.json + frames/)")
    ap.add_argument("--out", required=True, help="output model path, e.g. models/autodvt.onnx")
    ap.add_argument("--variant", default="3d-dual-aug",
                    help="{2d|3d}-{dual|single-landmark|single-vein}[-aug] (default 3d-dual-aug)")
    ap.add_argument("--epochs", type=int, default=DEFAULTS["epochs"])
    ap.add_argument("--batch", type=int, default=DEFAULTS["batch"])
    ap.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    ap.add_argument("--lr", type=float, default=DEFAULTS["lr"])
    ap.add_argument("--gamma", type=float, default=DEFAULTS["gamma"], help="ExponentialLR decay per epoch")
    ap.add_argument("--weight-decay", type=float, default=DEFAULTS["weight_decay"])
    ap.add_argument("--closed-weight", type=float, default=DEFAULTS["closed_weight"],
                    help="weight of the 'closed' class in the vein loss (open = 1)")
    ap.add_argument("--windows-per-epoch", type=int, default=0,
                    help="windows drawn per epoch (0 = every training window once)")
    ap.add_argument("--max-val-windows", type=int, default=0,
                    help="validate each epoch on at most this many evenly spaced val windows (0 = all)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many optimiser steps (smoke tests)")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--tf32", action="store_true", help="allow TF32 on CUDA (default: strict fp32)")
    ap.add_argument("--cudnn-benchmark", action="store_true",
                    help="let cuDNN pick its fastest non-deterministic algorithms (much faster 3D training on GPU; "
                         "default: deterministic algorithms, bit-reproducible given the seed)")
    ap.add_argument("--no-export", action="store_true", help="write the checkpoint and logs only")
    a = ap.parse_args(argv)

    stem = stem_of(a.out)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)) or ".", exist_ok=True)
    t0 = time.time()
    tr = Trainer(a.data, a.variant, log_path=stem + ".train-log.jsonl", device=a.device, epochs=a.epochs,
                 batch=a.batch, seed=a.seed, lr=a.lr, gamma=a.gamma, weight_decay=a.weight_decay,
                 closed_weight=a.closed_weight,
                 windows_per_epoch=a.windows_per_epoch, max_val_windows=a.max_val_windows, max_steps=a.max_steps, tf32=a.tf32,
                 cudnn_benchmark=a.cudnn_benchmark)
    res = tr.run()
    if a.no_export:
        from autodvt.onnx_export import save_checkpoint
        save_checkpoint(stem + ".pt", res["model"], res["norm"], res["training"], res["metrics"])
        info = {"checkpoint": stem + ".pt"}
    else:
        info = export_all(res, a.out, tr.splits)
    summary = {"variant": res["training"]["variant"], "train_seconds": res["training"]["train_seconds"],
               "total_seconds": round(time.time() - t0, 2), "best_epoch": res["training"]["best_epoch"],
               "test": (res["metrics"]["test"] or {}).get("table2"), **info}
    print(json.dumps(summary, indent=1))
    return summary


if __name__ == "__main__":
    main()
