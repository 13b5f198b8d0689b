"""Sampling weights for closed windows deep in a still hold.

The scanner-look misses are closed windows whose newest frame is 8 or more frames after the
vein closed in that press: the window no longer shows the collapse, only a still closed vein
(docs/training-runs/2026-12-08-scanner-finetune-second-run.md). Such windows are drawn more
often in training.

Time since closure comes from the dataset's own vein labels (the phantom labels a frame closed
from its truth, the main vein's lumen area): a closed frame's age is its distance to the first
frame of its run of closed labels in the exam (0 on the closing frame). The frame-truth file
(scripts/phantom-frame-truth.ts) holds the lumen area and clot flag per frame, from which the
labels are made; it is not needed here.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from .data import SplitData

# A closed window is "still" when its newest frame is at least this many frames after closure:
# with a 9-frame window, every frame of the window is then closed.
STILL_AFTER_FRAMES = 8


def frames_since_closure(split_data: SplitData, frames_per_exam: Sequence[int]) -> np.ndarray:
    """int per frame of a loaded split: frames since the start of its run of closed labels
    (-1 on frames not labelled closed). `frames_per_exam`: each exam's frame count, in
    split_data.exam_ids order (the split's frames are its exams' frames, concatenated). Runs do
    not cross exams."""
    vein = split_data.vein.cpu().numpy()
    if sum(frames_per_exam) != vein.shape[0] or len(frames_per_exam) != len(split_data.exam_ids):
        raise ValueError(f"{len(frames_per_exam)} exams of {sum(frames_per_exam)} frames for a split of "
                         f"{len(split_data.exam_ids)} exams and {vein.shape[0]} frames")
    age = np.full(vein.shape[0], -1, dtype=np.int64)
    start = 0
    for n in frames_per_exam:
        run = -1
        for i in range(start, start + n):
            run = run + 1 if vein[i] == 1 else -1
            age[i] = run
        start += n
    return age


def still_hold_window_weights(split_data: SplitData, frames_per_exam: Sequence[int], weight: float,
                              after: int = STILL_AFTER_FRAMES) -> torch.Tensor:
    """Sampling weight per window of the split (by its newest frame): `weight` for closed windows
    at least `after` frames into the hold, 1 for the others."""
    age = torch.from_numpy(frames_since_closure(split_data, frames_per_exam))[split_data.ends.cpu()]
    return torch.where(age >= after, torch.tensor(float(weight)), torch.tensor(1.0)).to(torch.float64)
