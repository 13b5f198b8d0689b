"""Reads the `dataset` sink's folder, builds 9-frame windows, augments them.

Format (fixed contract, written by the TS pipeline):
  index.json {"format": "autodvt-dataset", "version": 1, "frameSize": [150, 150],
              "exams": [{"examId", "subjectId", "split", "file", "frames", "fps",
                         "landmark": [int]*N, "open": [int]*N}]}
  frames/<examId>.npy  uint8 [N, 150, 150]

A window is 9 consecutive frames of one exam; its labels are those of its newest
(last) frame. `open` in the file is 1 = open, 0 = closed; the vein head's classes
are (open, closed), so the target index is 1 - open (and -1 stays -1 = no label).
All frames of a split are held in one uint8 tensor (on the training device) and
windows are gathered by index: no DataLoader workers, no per-sample Python.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from typing import Dict, List, Optional

import numpy as np
import torch
import torch.nn.functional as F

from .model import FRAME_SIZE, WINDOW

FORMAT = "autodvt-dataset"


def load_index(root: str) -> dict:
    with open(os.path.join(root, "index.json"), "r", encoding="utf-8") as f:
        idx = json.load(f)
    if idx.get("format") != FORMAT:
        raise ValueError(f"{root}/index.json: format is {idx.get('format')!r}, expected {FORMAT!r}")
    if int(idx.get("version", 0)) != 1:
        raise ValueError(f"{root}/index.json: unsupported version {idx.get('version')!r}")
    if list(idx.get("frameSize", FRAME_SIZE)) != list(FRAME_SIZE):
        raise ValueError(f"{root}/index.json: frameSize {idx.get('frameSize')} != {list(FRAME_SIZE)}")
    return idx


def data_fingerprint(root: str) -> dict:
    """sha256 over index.json and every frames file (in index order)."""
    idx = load_index(root)
    h = hashlib.sha256()
    with open(os.path.join(root, "index.json"), "rb") as f:
        h.update(f.read())
    for ex in idx["exams"]:
        with open(os.path.join(root, ex["file"]), "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    counts: Dict[str, dict] = {}
    for ex in idx["exams"]:
        c = counts.setdefault(ex["split"], {"exams": 0, "frames": 0, "subjects": set()})
        c["exams"] += 1
        c["frames"] += int(ex["frames"])
        c["subjects"].add(ex["subjectId"])
    for c in counts.values():
        c["subjects"] = len(c["subjects"])
    return {"sha256": h.hexdigest(), "counts": counts, "path": os.path.abspath(root)}


class SplitData:
    """All frames of one split as a single tensor, plus window end indices and labels."""

    def __init__(self, frames: torch.Tensor, landmark: torch.Tensor, vein: torch.Tensor,
                 ends: torch.Tensor, exam_ids: List[str], exam_of_end: torch.Tensor):
        self.frames = frames  # uint8 [F, H, W]
        self.landmark = landmark  # int64 [F]  (-1 = no label)
        self.vein = vein  # int64 [F]  0 = open, 1 = closed, -1 = no label
        self.ends = ends  # int64 [W]  index of each window's newest frame
        self.exam_ids = exam_ids
        self.exam_of_end = exam_of_end

    def __len__(self) -> int:
        return int(self.ends.numel())

    def to(self, device) -> "SplitData":
        return SplitData(self.frames.to(device), self.landmark.to(device), self.vein.to(device),
                         self.ends.to(device), self.exam_ids, self.exam_of_end)

    def windows(self, ends: torch.Tensor) -> torch.Tensor:
        """uint8 [B, 9, H, W] for the given window end indices."""
        offs = torch.arange(-(WINDOW - 1), 1, device=ends.device)
        return self.frames[ends[:, None] + offs]

    def labels(self, ends: torch.Tensor):
        return self.landmark[ends], self.vein[ends]


def load_split(root: str, split: str, index: Optional[dict] = None) -> SplitData:
    idx = index or load_index(root)
    frames, lms, veins, ends, exam_ids, exam_of_end = [], [], [], [], [], []
    offset = 0
    for ex in idx["exams"]:
        if ex["split"] != split:
            continue
        arr = np.load(os.path.join(root, ex["file"]), mmap_mode="r")
        n = int(ex["frames"])
        if arr.dtype != np.uint8 or arr.ndim != 3 or tuple(arr.shape[1:]) != tuple(FRAME_SIZE) or arr.shape[0] != n:
            raise ValueError(f"{ex['file']}: expected uint8 [{n}, 150, 150], got {arr.dtype} {list(arr.shape)}")
        lm = np.asarray(ex["landmark"], dtype=np.int64)
        op = np.asarray(ex["open"], dtype=np.int64)
        if lm.shape[0] != n or op.shape[0] != n:
            raise ValueError(f"exam {ex['examId']}: label arrays must have {n} entries")
        vein = np.where(op < 0, -1, 1 - op)  # open=1 -> class 0 ("open"), open=0 -> class 1 ("closed")
        frames.append(np.ascontiguousarray(arr))
        lms.append(lm)
        veins.append(vein)
        e = np.arange(WINDOW - 1, n, dtype=np.int64)
        e = e[(lm[e] >= 0) | (vein[e] >= 0)]
        ends.append(e + offset)
        exam_of_end.append(np.full(e.shape[0], len(exam_ids), dtype=np.int64))
        exam_ids.append(ex["examId"])
        offset += n
    if not frames:
        empty = torch.zeros(0, dtype=torch.int64)
        return SplitData(torch.zeros(0, *FRAME_SIZE, dtype=torch.uint8), empty, empty, empty, [], empty)
    return SplitData(
        torch.from_numpy(np.concatenate(frames)),
        torch.from_numpy(np.concatenate(lms)),
        torch.from_numpy(np.concatenate(veins)),
        torch.from_numpy(np.concatenate(ends)),
        exam_ids,
        torch.from_numpy(np.concatenate(exam_of_end)),
    )


def pixel_stats(split: SplitData, max_frames: int = 2000) -> Dict[str, float]:
    """mean/std of pixel/255 over (a strided sample of) the split's frames."""
    f = split.frames
    if f.shape[0] == 0:
        return {"mean": 0.5, "std": 0.25}
    step = max(1, f.shape[0] // max_frames)
    x = f[::step].double() / 255.0
    return {"mean": float(x.mean()), "std": float(max(x.std(), 1e-3))}


def normalise(x_u8: torch.Tensor, mean: float, std: float) -> torch.Tensor:
    """uint8 [B, 9, H, W] -> float32 [B, 1, 9, H, W], (pixel/255 - mean) / std."""
    return ((x_u8.float() * (1.0 / 255.0) - mean) / std).unsqueeze(1)


@torch.no_grad()
def augment(x_u8: torch.Tensor, generator: torch.Generator, scale=(0.9, 1.1), rotate_deg=10.0,
            flip_p=0.5, gain=(0.8, 1.2), bias=(-0.08, 0.08), gamma=(0.8, 1.25)) -> torch.Tensor:
    """Random scale, rotation, horizontal flip and intensity, the same for all 9 frames of
    a window (the frames ride along as channels of one 2D warp). Returns float [B, 9, H, W]
    in [0, 1]. Random numbers come from `generator` (CPU) so runs are reproducible."""
    B = x_u8.shape[0]
    dev = x_u8.device
    x = x_u8.float() * (1.0 / 255.0)

    def U(lo, hi):
        return (torch.rand(B, generator=generator) * (hi - lo) + lo)

    s = U(*scale)
    th = U(-rotate_deg, rotate_deg) * (math.pi / 180.0)
    flip = torch.where(torch.rand(B, generator=generator) < flip_p, -1.0, 1.0)
    g = U(*gain)
    b = U(*bias)
    ga = torch.exp(U(math.log(gamma[0]), math.log(gamma[1])))
    cos, sin = torch.cos(th) / s, torch.sin(th) / s
    # grid = A @ [x_out, y_out, 1]: rotation by th, zoom by s, then flip of the output x axis
    theta = torch.stack([
        torch.stack([cos * flip, -sin, torch.zeros(B)], 1),
        torch.stack([sin * flip, cos, torch.zeros(B)], 1),
    ], 1).to(dev)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    x = x.clamp(0, 1).pow(ga.to(dev)[:, None, None, None])
    x = (x * g.to(dev)[:, None, None, None] + b.to(dev)[:, None, None, None]).clamp(0, 1)
    return x


def normalise_float(x01: torch.Tensor, mean: float, std: float) -> torch.Tensor:
    return ((x01 - mean) / std).unsqueeze(1)
