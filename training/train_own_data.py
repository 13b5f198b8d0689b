#!/usr/bin/env python3
"""Train a model on a user's own labelled exams: the Python half of `autodvt train`.

  /usr/bin/python3 training/train_own_data.py --data WORK/dataset --out models/mine.onnx \
      --work WORK [--init models/autodvt.onnx | --from-scratch] [--resume] --result WORK/result.json

DATA is a `dataset` sink folder whose splits were assigned by patient (`autodvt train` does
that). Fine-tunes from --init (BatchNorm frozen, the initial model's normalisation, as
finetune.py) or trains --from-scratch; then exports the window and streaming forms with
metadata and parity references (train.export_all), fits the in-distribution score
(fit_in_distribution.py) and evaluates the initial model on the same test windows.

Resumable: after every epoch the whole training state (weights, optimiser, schedule, random
generators, best epoch so far, history) goes to WORK/checkpoints/epoch-NNN.pt (atomic
rename); --resume continues from the newest one whose settings and data match.

Progress goes to stderr, one line per epoch (loss, validation F1, time left); the result
(metrics, provenance, exported files) is written as JSON to --result.
"""
from __future__ import annotations

import argparse
import copy
import glob
import hashlib
import json
import os
import sys
import time
from typing import Dict, Optional

import _common  # noqa: F401  (sys.path)

CHECKPOINT_FORMAT = "autodvt-train-state"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{(seconds % 3600) // 60:02d}m"


def progress_line(epoch: int, epochs: int, loss: float, table2: Optional[dict], epoch_seconds: list,
                  best: bool) -> str:
    """One stderr line per epoch: `epoch 2/5 loss 0.4312 val F1 O/C 0.81 LM1 ... time left ~1m20s`."""
    val = " ".join(f"{k} {table2[k]:.3f}" for k in ("O/C", "LM1", "LM2", "BG") if table2 and k in table2)
    mean = sum(epoch_seconds) / len(epoch_seconds) if epoch_seconds else 0.0
    left = mean * (epochs - epoch - 1)
    return (f"[train] epoch {epoch + 1}/{epochs} loss {loss:.4f}"
            + (f" | val F1 {val}" if val else " | no validation windows")
            + f" | {epoch_seconds[-1]:.1f}s | time left ~{format_duration(left)}" + (" *best" if best else ""))


def settings_key(settings: dict) -> str:
    """What must match for a checkpoint to be resumed (everything but the number of epochs)."""
    keep = {k: v for k, v in settings.items() if k not in ("epochs", "device", "threads")}
    return hashlib.sha256(json.dumps(keep, sort_keys=True).encode()).hexdigest()[:16]


def latest_checkpoint(work: str) -> Optional[str]:
    files = sorted(glob.glob(os.path.join(work, "checkpoints", "epoch-*.pt")))
    return files[-1] if files else None


def save_state(work: str, state: dict) -> str:
    import torch

    folder = os.path.join(work, "checkpoints")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"epoch-{state['epoch']:03d}.pt")
    tmp = path + f".tmp-{os.getpid()}"
    torch.save(state, tmp)
    os.replace(tmp, path)
    return path


def load_state(path: str) -> dict:
    import inspect

    import torch

    kw = {"weights_only": False} if "weights_only" in inspect.signature(torch.load).parameters else {}
    state = torch.load(path, map_location="cpu", **kw)
    if state.get("format") != CHECKPOINT_FORMAT:
        raise SystemExit(f"{path}: not an autodvt training checkpoint")
    return state


def build_initial_model(init: Optional[str], variant: str, train_split):
    """(model, normalisation, provenance of the start point). Fine-tuning keeps the initial
    model's normalisation and freezes its (folded, identity) BatchNorm layers."""
    from autodvt.data import pixel_stats
    from autodvt.model import build_model

    if init:
        from autodvt.gradcam import load_onnx_model
        from finetune import freeze_batchnorm

        model, meta = load_onnx_model(init)
        freeze_batchnorm(model)
        norm = json.loads(meta["autodvt.normalization"])
        return model, {"mean": float(norm["mean"]), "std": float(norm["std"])}, {
            "onnx": os.path.basename(init), "model_id": meta.get("autodvt.model_id")}
    return build_model(variant), pixel_stats(train_split), None


def train(splits: Dict[str, object], settings: dict, work: str, resume: bool) -> dict:
    """The training loop of autodvt.trainer.Trainer.run (same loss, optimiser, schedule,
    sampling, augmentation, best-epoch rule), with a full checkpoint after every epoch."""
    import torch

    from autodvt.data import augment, normalise, normalise_float
    from autodvt.trainer import epoch_order, evaluate_split, masked_ce, pick_device, set_determinism

    device = pick_device(settings["device"])
    if settings.get("threads"):
        torch.set_num_threads(int(settings["threads"]))
    set_determinism(int(settings["seed"]))
    model, norm, init_info = build_initial_model(settings.get("init"), settings["variant"], splits["train"])
    model = model.to(device)
    v = model.variant
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=settings["lr"],
                           betas=(0.9, 0.999), weight_decay=settings["weight_decay"])
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=settings["gamma"])
    g = torch.Generator().manual_seed(int(settings["seed"]))
    train_split = splits["train"].to(device)
    val_split = splits["val"].to(device)
    key = settings_key(settings)
    best = {"score": -1.0, "epoch": -1, "state": None, "val": None}
    history, epoch_seconds, start_epoch, step = [], [], 0, 0

    if resume:
        path = latest_checkpoint(work)
        if path is None:
            log("[train] --resume: no checkpoint in the work folder yet; starting at epoch 1")
        else:
            state = load_state(path)
            if state["settings_key"] != key:
                raise SystemExit(f"--resume: {path} was made with other settings or data "
                                 f"({state['settings_key']} != {key}); start again without --resume")
            model.load_state_dict(state["model"])
            opt.load_state_dict(state["optimizer"])
            sched.load_state_dict(state["scheduler"])
            g.set_state(state["generator"])
            torch.set_rng_state(state["torch_rng"])
            best, history, step = state["best"], state["history"], state["step"]
            epoch_seconds = [h["epoch_seconds"] for h in history]
            start_epoch = state["epoch"] + 1
            log(f"[train] resumed from {os.path.basename(path)}: epoch {start_epoch + 1} of {settings['epochs']} next")

    n_train, bs = len(train_split), int(settings["batch"])
    per_epoch = int(settings["windows_per_epoch"]) or n_train
    t0 = time.time()
    for epoch in range(start_epoch, int(settings["epochs"])):
        te = time.time()
        model.train()
        order = epoch_order(n_train, per_epoch, g)
        loss_sum, batches = 0.0, 0
        for i in range(0, per_epoch, bs):
            sel = order[i:i + bs]
            if sel.numel() < 2:  # BatchNorm needs more than one item
                continue
            ends = train_split.ends[sel.to(train_split.ends.device)]
            xu8 = train_split.windows(ends)
            x = (normalise_float(augment(xu8, g), norm["mean"], norm["std"]) if v.augment
                 else normalise(xu8, norm["mean"], norm["std"]))
            lm_t, vein_t = train_split.labels(ends)
            logits = model(x)
            loss = x.new_zeros(())
            if "landmark" in logits:
                loss = loss + masked_ce(logits["landmark"], lm_t)[0]
            if "vein" in logits:
                loss = loss + masked_ce(logits["vein"], vein_t)[0]
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += float(loss.detach())
            batches += 1
            step += 1
        lr = opt.param_groups[0]["lr"]
        sched.step()
        val_res = (evaluate_split(model, val_split, norm, 128, int(settings["max_val_windows"]))
                   if len(val_split) else None)
        score = val_res["score"] if val_res else -loss_sum / max(1, batches)
        rec = {"epoch": epoch, "steps": step, "lr": lr, "train_loss": loss_sum / max(1, batches),
               "epoch_seconds": round(time.time() - te, 3),
               "val": {"table2": val_res["table2"], "score": val_res["score"], "windows": val_res["windows"]}
               if val_res else None, "best": False}
        if score > best["score"]:
            best = {"score": score, "epoch": epoch, "val": val_res,
                    "state": copy.deepcopy({k: t.detach().cpu().clone() for k, t in model.state_dict().items()})}
            rec["best"] = True
        history.append(rec)
        epoch_seconds.append(rec["epoch_seconds"])
        log(progress_line(epoch, int(settings["epochs"]), rec["train_loss"], val_res and val_res["table2"],
                          epoch_seconds, rec["best"]))
        save_state(work, {"format": CHECKPOINT_FORMAT, "version": 1, "settings_key": key, "settings": settings,
                          "epoch": epoch, "step": step, "model": {k: t.detach().cpu() for k, t in model.state_dict().items()},
                          "optimizer": opt.state_dict(), "scheduler": sched.state_dict(), "generator": g.get_state(),
                          "torch_rng": torch.get_rng_state(), "best": best, "history": history})
    if best["state"] is not None:
        model.load_state_dict(best["state"])
    model = model.cpu().eval()
    return {"model": model, "norm": norm, "best": best, "history": history, "steps": step,
            "train_seconds": round(time.time() - t0, 2), "init": init_info, "device": str(device)}


def evaluate_initial_model(init: str, test_split) -> Optional[dict]:
    """The starting model's Table 2 on the same test windows (None without test windows)."""
    from autodvt.gradcam import load_onnx_model
    from autodvt.trainer import evaluate_split

    if len(test_split) == 0:
        return None
    model, meta = load_onnx_model(init)
    norm = json.loads(meta["autodvt.normalization"])
    res = evaluate_split(model.eval(), test_split, {"mean": float(norm["mean"]), "std": float(norm["std"])})
    return {"model_id": meta.get("autodvt.model_id"), "table2": res["table2"], "windows": res["windows"]}


def fit_in_distribution(out: str, data: str) -> dict:
    """Runs training/fit_in_distribution.py on the exported model; a failure (too few windows of a
    landmark class, for instance) is reported, not fatal: the model is usable without the score."""
    import contextlib
    import io

    try:
        import fit_in_distribution as fit
    except Exception as err:  # noqa: BLE001
        return {"fitted": False, "reason": f"training/fit_in_distribution.py could not be loaded: {err}"}
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured):
            meta = fit.main(["--model", out, "--data", data, "--threads", "2"])
    except (SystemExit, Exception) as err:  # noqa: BLE001
        return {"fitted": False, "reason": str(err) or type(err).__name__}
    finally:
        for line in captured.getvalue().splitlines():
            log(f"[in-distribution] {line}")
    return {"fitted": True, "threshold": meta.get("threshold"), "heldOut": meta.get("heldOut")}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="dataset folder (index.json + frames/), split by patient")
    ap.add_argument("--out", required=True, help="output window model path (.onnx)")
    ap.add_argument("--work", required=True, help="work folder: per-epoch checkpoints live in WORK/checkpoints")
    ap.add_argument("--init", help="ONNX window model to fine-tune from")
    ap.add_argument("--from-scratch", action="store_true", help="train a new network instead of fine-tuning --init")
    ap.add_argument("--variant", default="3d-dual-aug", help="network variant when training from scratch")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--windows-per-epoch", type=int, default=2048, help="0 = every training window once")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=None, help="default 3e-4 fine-tuning, 1e-3 from scratch")
    ap.add_argument("--gamma", type=float, default=0.95)
    ap.add_argument("--weight-decay", type=float, default=1e-5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-val-windows", type=int, default=2048)
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--resume", action="store_true", help="continue from the newest checkpoint in --work")
    ap.add_argument("--no-in-distribution", action="store_true", help="skip the in-distribution fit")
    ap.add_argument("--result", help="write the result JSON here (default: print it)")
    a = ap.parse_args(argv)
    if bool(a.init) == bool(a.from_scratch):
        raise SystemExit("give exactly one of --init MODEL and --from-scratch")

    import torch

    from autodvt.data import data_fingerprint, load_index, load_split
    from autodvt.trainer import compact_metrics, evaluate_split
    from train import export_all

    t0 = time.time()
    fingerprint = data_fingerprint(a.data)
    index = load_index(a.data)
    splits = {s: load_split(a.data, s, index) for s in ("train", "val", "test")}
    if len(splits["train"]) == 0:
        raise SystemExit(f"{a.data}: no training windows (the train split needs exams with >= 9 labelled frames)")
    lr = a.lr if a.lr is not None else (1e-3 if a.from_scratch else 3e-4)
    settings = {"data_sha256": fingerprint["sha256"], "init": os.path.abspath(a.init) if a.init else None,
                "init_sha256": _sha256_file(a.init) if a.init else None, "variant": a.variant, "epochs": a.epochs,
                "windows_per_epoch": a.windows_per_epoch, "batch": a.batch, "lr": lr, "gamma": a.gamma,
                "weight_decay": a.weight_decay, "seed": a.seed, "max_val_windows": a.max_val_windows,
                "device": a.device, "threads": a.threads}
    log(f"[train] {len(splits['train'])} training windows, {len(splits['val'])} validation, "
        f"{len(splits['test'])} test; {'fine-tuning ' + os.path.basename(a.init) if a.init else 'from scratch'}; "
        f"device {a.device}{' (CUDA available)' if torch.cuda.is_available() else ''}")
    run = train(splits, settings, a.work, a.resume)
    model, norm = run["model"], run["norm"]
    test_res = evaluate_split(model, splits["test"], norm) if len(splits["test"]) else None
    provenance = {
        "variant": model.variant.name, "epochs": a.epochs, "epochs_run": len(run["history"]),
        "best_epoch": run["best"]["epoch"], "steps": run["steps"], "batch": a.batch,
        "windows_per_epoch": a.windows_per_epoch or len(splits["train"]), "seed": a.seed,
        "optimizer": {"name": "Adam", "lr": lr, "betas": [0.9, 0.999], "weight_decay": a.weight_decay},
        "schedule": {"name": "ExponentialLR", "gamma": a.gamma, "per": "epoch"},
        "loss": "CE(landmark) + CE(vein), ignore_index=-1",
        "init_from": run["init"], "from_scratch": bool(a.from_scratch),
        "batchnorm": "frozen (folded into the convolutions by the initial export)" if a.init else "trained",
        "data": {"sha256": fingerprint["sha256"], "counts": fingerprint["counts"],
                 "windows": {s: len(d) for s, d in splits.items()}, "generator": index.get("generator")},
        "device": run["device"] + (f" ({torch.cuda.get_device_name(0)})" if run["device"].startswith("cuda") else ""),
        "torch": torch.__version__, "train_seconds": run["train_seconds"], "command": "autodvt train",
    }
    metrics = {"split": "test", "test": test_res, "val": run["best"]["val"]}
    res = {"model": model, "norm": norm, "training": provenance, "metrics": metrics}
    os.makedirs(os.path.dirname(os.path.abspath(a.out)) or ".", exist_ok=True)
    log("[train] exporting the window and streaming forms")
    exported = export_all(res, a.out, splits, log=log)
    in_distribution = ({"fitted": False, "reason": "--no-in-distribution"} if a.no_in_distribution
                       else fit_in_distribution(a.out, a.data))
    initial = evaluate_initial_model(a.init, splits["test"]) if a.init else None
    result = {
        "out": a.out, "exported": exported, "training": provenance,
        "metrics": compact_metrics(metrics), "initialModelOnTest": initial,
        "history": [{k: h[k] for k in ("epoch", "train_loss", "epoch_seconds", "best")} |
                    {"val": h["val"]["table2"] if h["val"] else None} for h in run["history"]],
        "inDistribution": in_distribution, "seconds": round(time.time() - t0, 1),
    }
    text = json.dumps(result, indent=1, default=str)
    if a.result:
        tmp = a.result + f".tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, a.result)
    else:
        print(text)
    return result


def _sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


if __name__ == "__main__":
    try:
        main()
    except SystemExit as stop:  # a message (bad settings, unusable data) is the user's to fix: exit 2
        if isinstance(stop.code, str):
            log(f"error: {stop.code}")
            sys.exit(2)
        raise
