"""Tone and texture augmentation of training windows: blur, display gain, gray-map gamma.

A slight blur (2x down, then up) or a gray-map change flips the model's call on a still closed
vein (docs/training-runs/2026-12-08-scanner-finetune-second-run.md, "Why the 144 closed windows
are missed"). This varies both within a subject, so the call cannot rest on that texture.

Per window, with probability `p` (one draw for all 9 frames, like `data.augment`):
  - blur: resample to 1/f of the size (area average) and back (bilinear), f uniform in `blur`;
  - gain: a display-gain change of g dB, g uniform in `gain_db`. The phantom maps dB to gray
    linearly over the dynamic range (gray = 255 (dB + offset) / range), so g dB shifts every
    gray level by g / `dynamic_range_db` of full scale;
  - gamma: x ** e, log(e) uniform in log(`gamma`) (the gray map's curve).
Input and output: float [B, 9, H, W] in [0, 1]; the dtype and shape are kept. With p = 0 the
input is returned as is and nothing is drawn from the generator.
"""
from __future__ import annotations

import math
from typing import Tuple

import torch
import torch.nn.functional as F

DEFAULTS = dict(p=0.0, blur=(1.0, 2.0), gamma=(0.6, 1.6), gain_db=(-6.0, 6.0), dynamic_range_db=60.0)


@torch.no_grad()
def tone_texture(x01: torch.Tensor, generator: torch.Generator, p: float = DEFAULTS["p"],
                 blur: Tuple[float, float] = DEFAULTS["blur"], gamma: Tuple[float, float] = DEFAULTS["gamma"],
                 gain_db: Tuple[float, float] = DEFAULTS["gain_db"],
                 dynamic_range_db: float = DEFAULTS["dynamic_range_db"]) -> torch.Tensor:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"tone_texture: p must be in [0, 1], got {p}")
    if p == 0.0 or x01.shape[0] == 0:
        return x01
    if x01.ndim != 4:
        raise ValueError(f"tone_texture: expected [B, frames, H, W], got {list(x01.shape)}")
    B, _, H, W = x01.shape

    def U(lo, hi):
        return torch.rand(B, generator=generator) * (hi - lo) + lo

    hit = torch.rand(B, generator=generator) < p
    f = U(*blur)
    e = torch.exp(U(math.log(gamma[0]), math.log(gamma[1])))
    shift = U(*gain_db) / float(dynamic_range_db)
    out = x01.clone()
    for i in torch.nonzero(hit).flatten().tolist():
        w = x01[i:i + 1]  # [1, 9, H, W]: the frames ride along as channels, one transform for all
        fi = float(f[i])
        if fi > 1.0:
            small = (max(1, round(H / fi)), max(1, round(W / fi)))
            w = F.interpolate(w, size=small, mode="area")
            w = F.interpolate(w, size=(H, W), mode="bilinear", align_corners=False)
        w = (w + float(shift[i])).clamp(0, 1).pow(float(e[i]))
        out[i:i + 1] = w.to(out.dtype)
    return out
