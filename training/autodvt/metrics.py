"""Precision / recall / F1 per class and confusion matrices, in the paper's Table 2 layout."""
from __future__ import annotations

from typing import Dict, Sequence

import numpy as np

from .model import LANDMARK_CLASSES, VEIN_CLASSES


def confusion(y_true: np.ndarray, y_pred: np.ndarray, n: int) -> np.ndarray:
    """rows = true class, columns = predicted class; entries with y_true < 0 are ignored."""
    y_true = np.asarray(y_true).astype(np.int64)
    y_pred = np.asarray(y_pred).astype(np.int64)
    keep = y_true >= 0
    cm = np.zeros((n, n), dtype=np.int64)
    np.add.at(cm, (y_true[keep], y_pred[keep]), 1)
    return cm


def prf(cm: np.ndarray, classes: Sequence[str]) -> Dict[str, dict]:
    out = {}
    for i, c in enumerate(classes):
        tp = int(cm[i, i])
        fp = int(cm[:, i].sum() - tp)
        fn = int(cm[i, :].sum() - tp)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        out[c] = {"precision": p, "recall": r, "f1": f1, "support": int(cm[i, :].sum())}
    return out


def task_metrics(y_true, y_pred, classes: Sequence[str]) -> dict:
    cm = confusion(y_true, y_pred, len(classes))
    n = int(cm.sum())
    return {
        "classes": list(classes),
        "confusion": cm.tolist(),
        "per_class": prf(cm, classes),
        "accuracy": float(np.trace(cm) / n) if n else 0.0,
        "n": n,
    }


def table2(landmark: dict = None, vein: dict = None) -> Dict[str, float]:
    """The paper's Table 2 columns. O/C = macro-average F1 of open and closed (the paper
    gives one number for the binary task; we also report each class)."""
    row = {}
    if vein is not None:
        pc = vein["per_class"]
        row["O/C"] = (pc["open"]["f1"] + pc["closed"]["f1"]) / 2
        row["open"] = pc["open"]["f1"]
        row["closed"] = pc["closed"]["f1"]
    if landmark is not None:
        pc = landmark["per_class"]
        row["LM1"] = pc["LM1"]["f1"]
        row["LM2"] = pc["LM2"]["f1"]
        row["BG"] = pc["BG"]["f1"]
    return row


def evaluate_predictions(lm_true, lm_pred, vein_true, vein_pred, tasks=("landmark", "vein")) -> dict:
    res = {}
    lm = vein = None
    if "landmark" in tasks:
        lm = res["landmark"] = task_metrics(lm_true, lm_pred, LANDMARK_CLASSES)
    if "vein" in tasks:
        vein = res["vein"] = task_metrics(vein_true, vein_pred, VEIN_CLASSES)
    res["table2"] = table2(lm, vein)
    vals = [res["table2"][k] for k in ("O/C", "LM1", "LM2", "BG") if k in res["table2"]]
    res["score"] = float(np.mean(vals)) if vals else 0.0
    return res
