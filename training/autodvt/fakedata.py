"""A tiny synthetic dataset in the `dataset` sink's format, for smoke tests and timing.

Not the project's phantom (that one is written by the TS pipeline): just enough
structure to be learnable -- LM1 = a bright band near the top, LM2 = a bright round
"artery" on the right, BG = neither; a dark elliptical "vein" whose height follows
probe compressions (closed when it is nearly flat). Deterministic given the seed.

  /usr/bin/python3 -m autodvt.fakedata OUT_DIR --subjects 10 --frames 120 --seed 0
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np

H = W = 150


def _exam(rng: np.random.Generator, n: int):
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    # landmark segments: BG, LM1, BG, LM2, BG with random lengths
    cuts = np.sort(rng.choice(np.arange(5, n - 5), size=4, replace=False))
    seg = np.zeros(n, dtype=np.int64)
    seg[cuts[0]:cuts[1]] = 1
    seg[cuts[2]:cuts[3]] = 2
    period = rng.uniform(20, 40)
    phase = rng.uniform(0, 2 * np.pi)
    cx, cy = rng.uniform(60, 90), rng.uniform(80, 100)
    frames = np.empty((n, H, W), dtype=np.uint8)
    opened = np.empty(n, dtype=np.int64)
    for t in range(n):
        img = rng.uniform(25, 95, size=(H, W)).astype(np.float32)
        if seg[t] == 1:
            img[28:40, 20:130] += 90
        elif seg[t] == 2:
            img[((xx - 118) ** 2 + (yy - 60) ** 2) < 14 ** 2] += 100
        c = 0.5 + 0.5 * np.cos(2 * np.pi * t / period + phase)  # 1 = fully open
        ry = 1.0 + 15.0 * c
        vein = ((xx - cx) / 22.0) ** 2 + ((yy - cy) / ry) ** 2 < 1.0
        img[vein] = 8
        frames[t] = np.clip(img, 0, 255).astype(np.uint8)
        opened[t] = 1 if ry > 5.0 else 0
    lm = seg.copy()
    op = opened.copy()
    lm[rng.random(n) < 0.03] = -1
    op[rng.random(n) < 0.03] = -1
    return frames, lm, op


def write_fake_dataset(out: str, subjects: int = 10, frames: int = 120, exams_per_subject: int = 1,
                       seed: int = 0, fps: float = 30.0) -> dict:
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.join(out, "frames"), exist_ok=True)
    n_train = max(1, round(subjects * 0.6))
    n_val = max(1, round(subjects * 0.2)) if subjects >= 3 else 0
    exams = []
    for s in range(subjects):
        split = "train" if s < n_train else ("val" if s < n_train + n_val else "test")
        for e in range(exams_per_subject):
            exam_id = f"fake-s{s:03d}-e{e}"
            fr, lm, op = _exam(rng, frames)
            np.save(os.path.join(out, "frames", exam_id + ".npy"), fr)
            exams.append({
                "examId": exam_id, "subjectId": f"fake-s{s:03d}", "split": split,
                "file": f"frames/{exam_id}.npy", "frames": int(frames), "fps": fps,
                "landmark": lm.tolist(), "open": op.tolist(),
            })
    index = {"format": "autodvt-dataset", "version": 1, "frameSize": [H, W], "exams": exams,
             "generator": {"name": "autodvt.fakedata", "seed": seed, "subjects": subjects, "frames": frames}}
    with open(os.path.join(out, "index.json"), "w", encoding="utf-8") as f:
        json.dump(index, f)
    return index


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--subjects", type=int, default=10)
    ap.add_argument("--frames", type=int, default=120)
    ap.add_argument("--exams-per-subject", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    idx = write_fake_dataset(a.out, a.subjects, a.frames, a.exams_per_subject, a.seed)
    print(json.dumps({"out": a.out, "exams": len(idx["exams"])}))


if __name__ == "__main__":
    main()
