"""Fit the image-statistics in-distribution score and write it into every form of a model.

  node --import tsx training/image_features.ts DATASET FEAT        # per data set
  /usr/bin/python3 training/fit_image_statistics.py --model models/autodvt.onnx \
      --fit FEAT [FEAT ...] [--coverage FEAT ...] [--report NAME=FEAT[:split] ...] [--dry-run]

FEAT is what training/image_features.ts wrote (FEAT.f64, FEAT.json): the 32 statistics of
every frame (src/model/image-statistics.ts), computed by the code inference runs. The rule
(docs/training-runs/2026-12-08-image-statistics-rule.md):

- fitted on every frame of the `train` and `val` subjects of the --fit data sets, and of
  every subject of the --coverage sets (more subjects drawn from the training generator);
- each statistic standardised (training mean and SD, floored at 0.01 (|mean| + 1)); the correlation matrix R of the
  standardised statistics shrunk to (1 - s) R + s I (s = --shrinkage, 0.1) and inverted:
  score = sqrt(zᵀ P z);
- threshold: the --percentile (99.5) of leave-one-subject-out scores (each subject scored
  by statistics fitted on the others);
- --report sets (held-out subjects, other looks) are scored and their unknown rates stored.

Writes the metadata `autodvt.image_statistics` (JSON) into the model and every form found
beside it (`.streaming.onnx`, `.gradcam.onnx`); the graphs are not changed. Running it
again replaces the earlier record.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Dict, List, Optional, Tuple

import numpy as np
import onnx

META_KEY = "autodvt.image_statistics"
SD_FLOOR = 0.01
FORM_SUFFIXES = {"window": ".onnx", "streaming": ".streaming.onnx", "gradcam": ".gradcam.onnx"}


def load_features(prefix: str) -> Tuple[np.ndarray, List[str], np.ndarray, List[str]]:
    """(features [frames, D], feature names, subject of each frame, split of each frame)."""
    with open(prefix + ".json") as f:
        meta = json.load(f)
    names = meta["features"]
    x = np.fromfile(prefix + ".f64", dtype="<f8").reshape(-1, len(names))
    subjects: List[str] = []
    splits: List[str] = []
    for e in meta["exams"]:
        subjects += [e["subjectId"]] * e["frames"]
        splits += [e["split"]] * e["frames"]
    if len(subjects) != x.shape[0]:
        raise SystemExit(f"{prefix}: {x.shape[0]} rows but the exams list {len(subjects)} frames")
    return x, names, np.array(subjects), splits


def fit(x: np.ndarray, shrinkage: float) -> Dict[str, np.ndarray]:
    mean = x.mean(axis=0)
    # A statistic that hardly varies in training gets an SD of 1% of its unit (the rule's floor).
    sd = np.maximum(x.std(axis=0), SD_FLOOR * (np.abs(mean) + 1.0))
    z = (x - mean) / sd
    # Correlation of the standardised statistics (with the floored SDs: a constant one correlates with nothing).
    r = (z - z.mean(axis=0)).T @ (z - z.mean(axis=0)) / len(z)
    d = np.sqrt(np.maximum(np.diag(r), 1e-12))
    r = r / d[:, None] / d[None, :]
    shrunk = (1 - shrinkage) * r + shrinkage * np.eye(r.shape[0])
    return {"mean": mean, "sd": sd, "precision": np.linalg.inv(shrunk)}


def scores(x: np.ndarray, stats: Dict[str, np.ndarray]) -> np.ndarray:
    z = (x - stats["mean"]) / stats["sd"]
    return np.sqrt(np.maximum(0.0, np.einsum("ij,jk,ik->i", z, stats["precision"], z)))


def leave_one_subject_out(x: np.ndarray, subjects: np.ndarray, shrinkage: float) -> np.ndarray:
    out = np.zeros(x.shape[0])
    for s in np.unique(subjects):
        held = subjects == s
        out[held] = scores(x[held], fit(x[~held], shrinkage))
    return out


def form_paths(model_path: str) -> Dict[str, str]:
    base = model_path[: -len(".onnx")]
    found = {form: base + suffix for form, suffix in FORM_SUFFIXES.items()}
    return {form: p for form, p in found.items() if os.path.exists(p)}


def write_metadata(path: str, record: dict) -> None:
    model = onnx.load(path)
    props = [p for p in model.metadata_props if p.key != META_KEY]
    del model.metadata_props[:]
    model.metadata_props.extend(props)
    model.metadata_props.append(onnx.StringStringEntryProto(key=META_KEY, value=json.dumps(record)))
    tmp = path + ".tmp"
    onnx.save(model, tmp)
    os.replace(tmp, path)


def main(argv: Optional[List[str]] = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="the window model; every form beside it gets the record")
    ap.add_argument("--fit", nargs="+", required=True, help="feature prefixes (training/image_features.ts) to fit on (train + val splits)")
    ap.add_argument("--coverage", nargs="*", default=[],
                    help="feature prefixes fitted on every frame, all splits (more subjects from the training generator)")
    ap.add_argument("--report", nargs="*", default=[], help="NAME=FEAT[:split] sets to score and report (held-out)")
    ap.add_argument("--percentile", type=float, default=99.5)
    ap.add_argument("--shrinkage", type=float, default=0.1)
    ap.add_argument("--data-note", default="", help="words on the data fitted (stored in the record)")
    ap.add_argument("--dry-run", action="store_true", help="fit and report, write nothing")
    a = ap.parse_args(argv)

    xs, subs, names = [], [], None
    for prefix in a.fit + a.coverage:
        x, n, s, splits = load_features(prefix)
        if names is not None and n != names:
            raise SystemExit(f"{prefix}: other statistics than the first set")
        names = n
        keep = np.array([prefix in a.coverage or sp in ("train", "val") for sp in splits])
        xs.append(x[keep])
        subs.append(np.array([f"{os.path.basename(prefix)}/{v}" for v in s[keep]]))
    x = np.concatenate(xs)
    subjects = np.concatenate(subs)
    t0 = time.time()
    held = leave_one_subject_out(x, subjects, a.shrinkage)
    threshold = float(np.percentile(held, a.percentile))
    stats = fit(x, a.shrinkage)
    report = {"leaveOneSubjectOut": {"subjects": int(len(np.unique(subjects))), "frames": int(len(x)),
                                      "unknown": float(np.mean(held > threshold))}}
    for item in a.report:
        label, spec = item.split("=", 1)
        prefix, _, split = spec.partition(":")
        rx, rn, rs, rsplits = load_features(prefix)
        if rn != names:
            raise SystemExit(f"{prefix}: other statistics than the fitted ones")
        if split:
            sel = np.array([sp == split for sp in rsplits])
            rx, rs = rx[sel], rs[sel]
        sc = scores(rx, stats)
        per_subject = {str(s): float(np.mean(sc[rs == s] > threshold)) for s in np.unique(rs)}
        report[label] = {"frames": int(len(rx)), "unknown": float(np.mean(sc > threshold)),
                         "worstSubject": max(per_subject.values()) if per_subject else 0.0}
    record = {
        "version": 1,
        "features": names,
        "mean": [float(v) for v in stats["mean"]],
        "sd": [float(v) for v in stats["sd"]],
        "precision": [float(v) for v in stats["precision"].ravel()],
        "threshold": threshold,
        "recipe": {"shrinkage": a.shrinkage, "percentile": a.percentile,
                   "thresholdFrom": f"the {a.percentile}th percentile of leave-one-subject-out scores over the fitted subjects",
                   "rule": "docs/training-runs/2026-12-08-image-statistics-rule.md"},
        "data": {"sets": [os.path.basename(p) for p in a.fit], "coverage": [os.path.basename(p) for p in a.coverage],
                 "note": a.data_note},
        "heldOut": report,
    }
    print(json.dumps({"threshold": threshold, "heldOut": report, "seconds": round(time.time() - t0, 1)}, indent=2))
    if not a.dry_run:
        for form, path in form_paths(a.model).items():
            write_metadata(path, record)
            print(f"wrote {META_KEY} into {path} ({form})", file=sys.stderr)
    return record


if __name__ == "__main__":
    main()
