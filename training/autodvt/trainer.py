"""Training loop: CE(landmark) + CE(vein) (missing labels ignored), Adam, ExponentialLR per epoch,
validation P/R/F1 each epoch, best epoch kept, deterministic given the seed."""
from __future__ import annotations

import copy
import json
import os
import random
import time
from typing import Dict, Optional

os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS (must precede CUDA init)

import numpy as np
import torch
import torch.nn.functional as F

from .data import SplitData, augment, data_fingerprint, load_index, load_split, normalise, normalise_float, pixel_stats
from .metrics import evaluate_predictions
from .model import AutoDVTNet, Variant, build_model, param_count
from .tone_texture import DEFAULTS as TONE_TEXTURE, tone_texture

DEFAULTS = dict(epochs=50, batch=32, lr=1e-3, betas=(0.9, 0.999), weight_decay=1e-5, gamma=0.95, seed=0,
                windows_per_epoch=0, max_steps=0, eval_batch=128, max_val_windows=0, device="auto", tf32=False,
                cudnn_benchmark=False, closed_weight=1.0, tone_texture_p=0.0)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: CUDA is not available in this torch build / machine")
    return torch.device(name)


def set_determinism(seed: int, tf32: bool = False, cudnn_benchmark: bool = False):
    """Seeds everything. Default: deterministic algorithms (bit-reproducible on the same machine and
    software). cudnn_benchmark=True lets cuDNN pick its fastest (non-deterministic) convolution
    algorithms: ~6x faster 3D training on an H100, same seeds, results reproducible only statistically."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    try:
        torch.use_deterministic_algorithms(not cudnn_benchmark, warn_only=True)
    except TypeError:  # very old torch
        torch.use_deterministic_algorithms(not cudnn_benchmark)
    torch.backends.cudnn.benchmark = cudnn_benchmark
    torch.backends.cudnn.deterministic = not cudnn_benchmark
    # fp32 throughout by default (no AMP, no TF32) for reproducibility across machines
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32


def masked_ce(logits: torch.Tensor, target: torch.Tensor, class_weight: Optional[torch.Tensor] = None):
    """Mean CE over labelled items; exactly 0 (with a gradient path) when none is labelled.
    With class_weight, the weighted mean (each item counts by its class's weight)."""
    n = (target >= 0).sum()
    loss = F.cross_entropy(logits, target, weight=class_weight, ignore_index=-1, reduction="sum")
    if class_weight is None:
        return loss / n.clamp(min=1), int(n)
    w = class_weight.to(logits.dtype)[target.clamp(min=0)] * (target >= 0).to(logits.dtype)
    return loss / w.sum().clamp(min=1e-6), int(n)


def epoch_order(n_train: int, per_epoch: int, generator: torch.Generator,
                weights: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Indices of the training windows of one epoch. Without weights: concatenated random
    permutations (every window once per pass). With weights: drawn with replacement in
    proportion to them."""
    if weights is not None:
        return torch.multinomial(weights, per_epoch, replacement=True, generator=generator)
    reps = (per_epoch + n_train - 1) // n_train
    return torch.cat([torch.randperm(n_train, generator=generator) for _ in range(reps)])[:per_epoch]


@torch.no_grad()
def predict(model: AutoDVTNet, split: SplitData, norm: Dict[str, float], batch: int = 128, ends=None):
    """argmax predictions and probabilities for every window of a split (in order)."""
    model.eval()
    ends = split.ends if ends is None else ends
    out = {t: [] for t in model.variant.tasks}
    for i in range(0, int(ends.numel()), batch):
        e = ends[i:i + batch]
        x = normalise(split.windows(e), norm["mean"], norm["std"])
        logits = model(x)
        for t, l in logits.items():
            out[t].append(torch.softmax(l, 1).cpu())
    return {t: (torch.cat(v) if v else torch.zeros(0, 3)) for t, v in out.items()}


def evaluate_split(model: AutoDVTNet, split: SplitData, norm, batch=128, max_windows: int = 0) -> dict:
    ends = split.ends
    if max_windows and ends.numel() > max_windows:  # evenly spaced subset (validation speed)
        ends = ends[torch.linspace(0, ends.numel() - 1, max_windows).long().to(ends.device)]
    probs = predict(model, split, norm, batch, ends)
    lm_t, vein_t = split.labels(ends)
    lm_t, vein_t = lm_t.cpu().numpy(), vein_t.cpu().numpy()
    lm_p = probs["landmark"].argmax(1).numpy() if "landmark" in probs else np.zeros_like(lm_t)
    vein_p = probs["vein"].argmax(1).numpy() if "vein" in probs else np.zeros_like(vein_t)
    res = evaluate_predictions(lm_t, lm_p, vein_t, vein_p, model.variant.tasks)
    res["windows"] = int(ends.numel())
    return res


class Trainer:
    def __init__(self, data_dir: str, variant, log_path: Optional[str] = None, device: str = "auto",
                 splits: Optional[Dict[str, SplitData]] = None, fingerprint: Optional[dict] = None,
                 sample_weights: Optional[torch.Tensor] = None, sample_weights_note: Optional[str] = None, **cfg):
        self.cfg = dict(DEFAULTS)
        self.cfg.update({k: v for k, v in cfg.items() if v is not None})
        self.variant = Variant.parse(variant) if isinstance(variant, str) else variant
        self.device = pick_device(device)
        self.data_dir = data_dir
        self.log_path = log_path
        if splits is None:
            index = load_index(data_dir)
            splits = {s: load_split(data_dir, s, index) for s in ("train", "val", "test")}
        splits = {s: d.to(self.device) for s, d in splits.items()}  # a no-op where they already are
        self.splits = splits
        if len(splits["train"]) == 0:
            raise SystemExit(f"{data_dir}: no training windows (need exams with >= 9 frames in split 'train')")
        self.fingerprint = fingerprint or data_fingerprint(data_dir)
        self.norm = pixel_stats(splits["train"])
        # Optional sampling weight per training window: windows are then drawn with replacement
        # in proportion to it, instead of in shuffled passes over all of them.
        if sample_weights is not None and sample_weights.shape != (len(splits["train"]),):
            raise ValueError(f"sample_weights has shape {tuple(sample_weights.shape)}, "
                             f"expected ({len(splits['train'])},) (one per training window)")
        self.sample_weights = sample_weights
        self.sample_weights_note = sample_weights_note

    def run(self) -> dict:
        cfg, v = self.cfg, self.variant
        set_determinism(int(cfg["seed"]), bool(cfg["tf32"]), bool(cfg["cudnn_benchmark"]))
        model = build_model(v).to(self.device)
        opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"], betas=tuple(cfg["betas"]),
                               weight_decay=cfg["weight_decay"])
        sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=cfg["gamma"])
        g = torch.Generator().manual_seed(int(cfg["seed"]))  # shuffling + augmentation draws
        closed_weight = float(cfg["closed_weight"])  # vein CE weight of "closed" (open = 1)
        vein_weight = (None if closed_weight == 1.0
                       else torch.tensor([1.0, closed_weight], device=self.device))
        tone_p = float(cfg["tone_texture_p"])  # tone/texture augmentation probability per window
        train, val = self.splits["train"], self.splits["val"]
        n_train = len(train)
        per_epoch = int(cfg["windows_per_epoch"]) or n_train
        bs = int(cfg["batch"])
        max_steps = int(cfg["max_steps"])
        log = open(self.log_path, "w", encoding="utf-8") if self.log_path else None
        best = {"score": -1.0, "epoch": -1, "state": None, "val": None}
        step = 0
        t0 = time.time()
        history = []
        for epoch in range(int(cfg["epochs"])):
            te = time.time()
            model.train()
            order = epoch_order(n_train, per_epoch, g, self.sample_weights)
            # losses are summed on the device and read once per epoch (no per-step host sync)
            sums = {"loss": torch.zeros((), device=self.device), "landmark": torch.zeros((), device=self.device),
                    "vein": torch.zeros((), device=self.device), "batches": 0}
            for i in range(0, per_epoch, bs):
                if max_steps and step >= max_steps:
                    break
                sel = order[i:i + bs]
                if sel.numel() < 2:  # BatchNorm needs > 1 item
                    continue
                ends = train.ends[sel.to(train.ends.device)]
                xu8 = train.windows(ends)
                if tone_p > 0:  # opt-in; at 0 the draws from g (and so the run) are today's
                    x01 = augment(xu8, g) if v.augment else xu8.float() * (1.0 / 255.0)
                    x = normalise_float(tone_texture(x01, g, tone_p), self.norm["mean"], self.norm["std"])
                elif v.augment:
                    x = normalise_float(augment(xu8, g), self.norm["mean"], self.norm["std"])
                else:
                    x = normalise(xu8, self.norm["mean"], self.norm["std"])
                lm_t, vein_t = train.labels(ends)
                logits = model(x)
                loss = x.new_zeros(())
                if "landmark" in logits:
                    l, _ = masked_ce(logits["landmark"], lm_t)
                    loss = loss + l
                    sums["landmark"] += l.detach()
                if "vein" in logits:
                    l, _ = masked_ce(logits["vein"], vein_t, vein_weight)
                    loss = loss + l
                    sums["vein"] += l.detach()
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sums["loss"] += loss.detach()
                sums["batches"] += 1
                step += 1
            for k in ("loss", "landmark", "vein"):
                sums[k] = float(sums[k])
            lr = opt.param_groups[0]["lr"]
            sched.step()
            train_s = time.time() - te
            val_res = evaluate_split(model, val, self.norm, int(cfg["eval_batch"]),
                                     int(cfg["max_val_windows"])) if len(val) else None
            score = val_res["score"] if val_res else -float(sums["loss"])
            nb = max(1, sums["batches"])
            rec = {"epoch": epoch, "steps": step, "lr": lr, "train_loss": sums["loss"] / nb,
                   "train_loss_landmark": sums["landmark"] / nb, "train_loss_vein": sums["vein"] / nb,
                   "train_seconds": round(train_s, 3), "epoch_seconds": round(time.time() - te, 3),
                   "val": ({"table2": val_res["table2"], "score": val_res["score"], "windows": val_res["windows"],
                            "landmark_confusion": val_res.get("landmark", {}).get("confusion"),
                            "vein_confusion": val_res.get("vein", {}).get("confusion")} if val_res else None),
                   "best": False}
            if score > best["score"]:
                best = {"score": score, "epoch": epoch, "state": copy.deepcopy(
                    {k: t.detach().cpu().clone() for k, t in model.state_dict().items()}), "val": val_res}
                rec["best"] = True
            history.append(rec)
            if log:
                log.write(json.dumps(rec) + "\n")
                log.flush()
            vs = " ".join(f"{k}={val:.3f}" for k, val in (val_res["table2"].items() if val_res else []))
            print(f"[{v.name}] epoch {epoch + 1}/{cfg['epochs']} loss {rec['train_loss']:.4f} {vs} "
                  f"({rec['epoch_seconds']:.1f}s){' *' if rec['best'] else ''}", flush=True)
            if max_steps and step >= max_steps:
                break
        train_seconds = time.time() - t0
        if best["state"] is not None:
            model.load_state_dict(best["state"])
        model = model.to(self.device).eval()
        test = self.splits["test"]
        test_res = evaluate_split(model, test, self.norm, int(cfg["eval_batch"])) if len(test) else None
        if log:
            log.write(json.dumps({"final": True, "best_epoch": best["epoch"], "train_seconds": round(train_seconds, 2),
                                  "test": test_res["table2"] if test_res else None}) + "\n")
            log.close()
        provenance = {
            "variant": v.name, "epochs_run": len(history), "epochs": int(cfg["epochs"]), "best_epoch": best["epoch"],
            "steps": step, "batch": bs, "windows_per_epoch": per_epoch, "seed": int(cfg["seed"]),
            "sampling": self.sample_weights_note or "uniform (shuffled passes over the training windows)",
            "optimizer": {"name": "Adam", "lr": cfg["lr"], "betas": list(cfg["betas"]),
                          "weight_decay": cfg["weight_decay"]},
            "schedule": {"name": "ExponentialLR", "gamma": cfg["gamma"], "per": "epoch"},
            "loss": "CE(landmark) + CE(vein), ignore_index=-1" + (
                f", vein class weights open 1, closed {closed_weight:g}" if vein_weight is not None else ""),
            "augmentation": ({**({"scale": [0.9, 1.1], "rotate_deg": 10, "hflip_p": 0.5, "gain": [0.8, 1.2],
                                  "bias": [-0.08, 0.08], "gamma": [0.8, 1.25]} if v.augment else {}),
                              **({"tone_texture": {**TONE_TEXTURE, "p": tone_p}} if tone_p > 0 else {})}
                             or None),
            "data": {"sha256": self.fingerprint["sha256"], "counts": self.fingerprint["counts"],
                     "windows": {s: len(d) for s, d in self.splits.items()},
                     "generator": load_index(self.data_dir).get("generator")},
            "device": str(self.device) + (f" ({torch.cuda.get_device_name(0)})" if self.device.type == "cuda" else ""),
            "torch": torch.__version__, "precision": "fp32" + ("+tf32" if cfg["tf32"] else ""),
            "deterministic": not cfg["cudnn_benchmark"],
            "train_seconds": round(train_seconds, 2), "params": param_count(model),
        }
        metrics = {"split": "test", "test": test_res, "val": best["val"]}
        return {"model": model.cpu().eval(), "norm": self.norm, "training": provenance, "metrics": metrics,
                "history": history}


def compact_metrics(metrics: dict) -> dict:
    """The held-out metrics written into ONNX metadata (no per-window data, small)."""
    out = {}
    for k in ("val", "test"):
        r = metrics.get(k)
        if not r:
            continue
        out[k] = {"table2": r["table2"], "windows": r.get("windows"),
                  "per_class": {t: r[t]["per_class"] for t in ("landmark", "vein") if t in r},
                  "confusion": {t: r[t]["confusion"] for t in ("landmark", "vein") if t in r}}
    out["definition"] = "F1 per class on 9-frame windows labelled by their newest frame; O/C = mean F1 of open and closed"
    return out
