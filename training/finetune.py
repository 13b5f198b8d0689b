#!/usr/bin/env python3
"""Fine-tune an exported AutoDVT model (ONNX) on more data, then export it again.

  /usr/bin/python3 training/finetune.py --init models/autodvt.onnx --data DATA --out models/autodvt.onnx \
      --epochs 2 --windows-per-epoch 6144 --lr 3e-4

The ONNX export folds BatchNorm into the convolutions, so the network rebuilt from it
(autodvt.gradcam.load_onnx_model) has identity BatchNorm layers: they are kept in eval
mode (frozen) while the convolution and linear weights train. The intensity
normalisation is the initial model's, so the fine-tuned model reads the same input.
Same outputs as train.py (window, streaming, references, metrics, log).
"""
import argparse
import json
import os
import time

import _common  # noqa: F401
import torch

import autodvt.trainer as trainer_module
from autodvt.data import SplitData, load_index, load_split
from autodvt.frame_truth import (NEARLY_CLOSED_BELOW, PRESSED_CLOT_BELOW, boundary_frames, boundary_window_weights,
                                 load_frame_truth)
from autodvt.gradcam import load_onnx_model
from autodvt.still_hold import STILL_AFTER_FRAMES, still_hold_window_weights
from autodvt.trainer import DEFAULTS, Trainer
from _common import stem_of
from train import export_all


def freeze_batchnorm(model: torch.nn.Module) -> None:
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.eval()
            m.train = (lambda module: (lambda mode=True: module))(m)  # stays in eval mode
            for p in m.parameters():
                p.requires_grad_(False)


def boundary_sampling(data: str, train: SplitData, truth_path, weight: float):
    """(per-window sampling weights of the train split, provenance note), or (None, None) for
    uniform sampling."""
    if weight == 1.0:
        return None, None
    if weight <= 0:
        raise SystemExit(f"--boundary-weight must be > 0, got {weight}")
    boundary = boundary_frames(data, train, load_frame_truth(data, truth_path))
    weights = boundary_window_weights(train, boundary, weight)
    share = float((weights > 1).double().mean()) if weight > 1 else float((weights < 1).double().mean())
    note = (f"weighted: boundary windows (pressed clot, area < {PRESSED_CLOT_BELOW}; healthy vein, area < "
            f"{NEARLY_CLOSED_BELOW}) drawn {weight:g}x as often; they are {share:.1%} of the training windows")
    print(note, flush=True)
    return weights, note


def still_hold_sampling(index: dict, train: SplitData, weight: float, weights, note):
    """`weights` times the still-hold weights (closed windows deep in a hold drawn `weight` times
    as often), and the provenance note with a line added; unchanged when weight is 1."""
    if weight == 1.0:
        return weights, note
    if weight <= 0:
        raise SystemExit(f"--still-hold-weight must be > 0, got {weight}")
    frames_of = {ex["examId"]: int(ex["frames"]) for ex in index["exams"]}
    still = still_hold_window_weights(train, [frames_of[e] for e in train.exam_ids], weight)
    share = float((still != 1).double().mean())
    line = (f"weighted: closed windows at least {STILL_AFTER_FRAMES} frames after closure (a still hold) drawn "
            f"{weight:g}x as often; they are {share:.1%} of the training windows")
    print(line, flush=True)
    return (still if weights is None else weights * still), (line if note is None else f"{note}; {line}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--init", required=True, help="the ONNX window model to start from")
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--windows-per-epoch", type=int, default=6144)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    ap.add_argument("--gamma", type=float, default=DEFAULTS["gamma"], help="ExponentialLR decay per epoch")
    ap.add_argument("--closed-weight", type=float, default=DEFAULTS["closed_weight"],
                    help="weight of the 'closed' class in the vein loss (open = 1); > 1 trades precision for recall")
    ap.add_argument("--boundary-weight", type=float, default=1.0,
                    help="draw 'boundary' windows (a pressed clot, or a healthy vein closed or nearly so; "
                         "see autodvt/frame_truth.py) this many times as often as the others; needs the "
                         "dataset's frame-truth.json (scripts/phantom-frame-truth.ts). 1: uniform")
    ap.add_argument("--still-hold-weight", type=float, default=1.0,
                    help=f"draw closed windows at least {STILL_AFTER_FRAMES} frames into a still hold (from the "
                         "dataset's vein labels; see autodvt/still_hold.py) this many times as often; multiplies "
                         "--boundary-weight's weights. 1: no change")
    ap.add_argument("--tone-texture-p", type=float, default=0.0,
                    help="probability per training window of the tone/texture augmentation (blur by down-and-up "
                         "resampling 1-2x, gray-map gamma 0.6-1.6, display gain +-6 dB; one draw for all 9 frames; "
                         "see autodvt/tone_texture.py). 0: off")
    ap.add_argument("--frame-truth", default=None, help="frame truth file (default: DATA/frame-truth.json)")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--max-val-windows", type=int, default=2048)
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    a = ap.parse_args(argv)

    if a.threads:
        torch.set_num_threads(a.threads)
    model, meta = load_onnx_model(a.init)
    variant = model.variant
    freeze_batchnorm(model)
    trainer_module.build_model = lambda v: model  # Trainer.run builds its model through this
    stem = stem_of(a.out)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    t0 = time.time()
    index = load_index(a.data)
    splits = {s: load_split(a.data, s, index) for s in ("train", "val", "test")}
    weights, note = boundary_sampling(a.data, splits["train"], a.frame_truth, a.boundary_weight)
    weights, note = still_hold_sampling(index, splits["train"], a.still_hold_weight, weights, note)
    tr = Trainer(a.data, variant, log_path=stem + ".train-log.jsonl", device=a.device, splits=splits, epochs=a.epochs,
                 sample_weights=weights, sample_weights_note=note, batch=a.batch, lr=a.lr, seed=a.seed, gamma=a.gamma, closed_weight=a.closed_weight,
                 tone_texture_p=a.tone_texture_p, windows_per_epoch=a.windows_per_epoch,
                 max_val_windows=a.max_val_windows)
    norm = json.loads(meta["autodvt.normalization"])
    tr.norm = {"mean": float(norm["mean"]), "std": float(norm["std"])}
    res = tr.run()
    res["training"]["init_from"] = {"onnx": a.init, "model_id": meta.get("autodvt.model_id"),
                                    "training": json.loads(meta.get("autodvt.training", "null"))}
    res["training"]["batchnorm"] = "frozen (folded into the convolutions by the initial export)"
    info = export_all(res, a.out, tr.splits)
    print(json.dumps({"seconds": round(time.time() - t0, 1), "test": (res["metrics"]["test"] or {}).get("table2"), **info},
                     indent=1, default=str))


if __name__ == "__main__":
    main()
