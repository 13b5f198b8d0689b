"""Continual (streaming) inference for the 3D AutoDVT net (after Hedegaard & Iosifidis).

The trunk's Conv3d layers have temporal kernel 3, temporal stride 1 and no temporal
padding, so output slice t of a layer needs input slices t-2, t-1, t of that layer, and a
new frame needs just ONE new output slice per layer if each layer keeps a little state.
Start from zeros; after 8 warm-up frames, the 9th frame's output equals the windowed
model's output for the last 9 frames (every later frame too). The output for frame t
depends only on frames t-8..t, so zero initial state is flushed out exactly.

Forms (`StreamingAutoDVT(form=...)`), the same sums in a different order:

- "taps" (what export_streaming writes): the trunk as per-tap Conv2d, BatchNorm folded
  (time_fold.StreamingTapTrunk). Two [B, C, H, W] state tensors per layer: its 2 previous
  input slices (layer 0: the frames) or the 2 partial sums of its next outputs (layers
  1-3), whichever is smaller. Batch 1, onnxruntime-node CPU: 1.3x the frames/s of "stacked".
  State shapes (batch B):  [B, 1, 150, 150] x 2   (frames t-2, t-1)
                           [B, 32, 38, 38] x 2    (block 1 partial sums)
                           [B, 64, 19, 19] x 2    (block 2 partial sums)
                           [B, 64, 10, 10] x 2    (block 3 partial sums)
- "stacked": each layer keeps its input's 2 newest slices as one tensor [B, C, 2, H, W];
  cat(state, new slice) is convolved as a Conv2d over the 3 slices stacked as channels
  (time_fold.block_step_as_conv2d), and the new state is the last 2 of those 3 slices.
  State shapes: [B, 1, 2, 150, 150], [B, 32, 2, 75, 75], [B, 32, 2, 38, 38], [B, 64, 2, 19, 19].
- "conv3d": the same state as "stacked", run through the model's own Conv3d blocks (the
  reference; `streaming_macs` counts its layers).
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import torch
from torch import nn

from .model import FRAME_SIZE, TASK_CLASSES, TASKS, AutoDVTNet, count_macs
from .time_fold import StreamingTapTrunk, block_step_as_conv2d, block_shapes, tap_state_layout

FORMS = ("taps", "stacked", "conv3d")
DEFAULT_FORM = "taps"


def _check_form(form: str):
    if form not in FORMS:
        raise ValueError(f"streaming form must be one of {FORMS}, got {form!r}")


def state_layout(model: AutoDVTNet, form: str = DEFAULT_FORM) -> List[Dict[str, object]]:
    """The state tensors of `StreamingAutoDVT(model, form)` in order: {"block", "holds", "shape"
    (without the batch axis)}, plus "cache" for the tap form. [] for a 2D model (no state)."""
    _check_form(form)
    if model.variant.dims != 3:
        return []
    if form == "taps":
        return tap_state_layout(model.trunk)
    return [{"block": i, "holds": "input slices t-2, t-1", "shape": [c, 2, h, w]}
            for i, ((c, h, w), _) in enumerate(block_shapes(model.trunk))]


def state_shapes(model: AutoDVTNet, batch: int = 1, form: str = DEFAULT_FORM) -> List[List[int]]:
    return [[batch] + list(s["shape"]) for s in state_layout(model, form)]


def init_state(model: AutoDVTNet, batch: int = 1, device=None, form: str = DEFAULT_FORM) -> List[torch.Tensor]:
    return [torch.zeros(s, device=device) for s in state_shapes(model, batch, form)]


def _probs(model: AutoDVTNet, feat: torch.Tensor, like: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    outs = []
    for t in TASKS:
        if t in model.heads:
            outs.append(torch.softmax(model.heads[t](feat), dim=1))
        else:
            n = len(TASK_CLASSES[t])
            # uniform probabilities with a dynamic batch dimension (trace-friendly)
            outs.append(torch.ones_like(like[:, :n]) / n)
    return outs[0], outs[1]


class StreamingAutoDVT(nn.Module):
    """One frame in, probabilities + new state out (`state_layout(model, form)`; see the module doc).
    "stacked" and "conv3d" share the weights of `model`; "taps" holds a BatchNorm-folded copy taken now
    (for inference and export, not training)."""

    def __init__(self, model: AutoDVTNet, form: str = DEFAULT_FORM):
        super().__init__()
        _check_form(form)
        self.model = model
        self.form = form
        self.taps = StreamingTapTrunk(model.trunk) if form == "taps" and model.variant.dims == 3 else None

    def forward(self, frame: torch.Tensor, *state: torch.Tensor):
        # frame: [B, 1, 1, H, W] normalised like the window model's input
        m = self.model
        if m.variant.dims == 2:
            feat = m.trunk(frame)  # the 2D trunk only looks at the newest frame: no state
            lm, vein = _probs(m, feat, frame.flatten(1))
            return (lm, vein)
        if self.taps is not None:
            feat, *new_state = self.taps(frame, *state)
        else:
            x = frame
            new_state = []
            for blk, s in zip(m.trunk.blocks, state):
                inp = torch.cat([s, x], dim=2)  # [B, C, 3, H, W]
                new_state.append(inp[:, :, 1:])
                x = block_step_as_conv2d(blk, inp) if self.form == "stacked" else blk(inp)  # [B, C', 1, H', W']
            feat = x[:, :, 0]
        lm, vein = _probs(m, feat, frame.flatten(1))
        return (lm, vein) + tuple(new_state)


def run_stream(model: AutoDVTNet, frames: torch.Tensor, form: str = DEFAULT_FORM):
    """frames [B, 1, S, H, W] -> per-step (landmark [B,S,3], vein [B,S,2]), zero initial state."""
    sm = StreamingAutoDVT(model, form).eval()
    state = init_state(model, frames.shape[0], frames.device, form)
    lms, veins = [], []
    with torch.no_grad():
        for t in range(frames.shape[2]):
            out = sm(frames[:, :, t : t + 1], *state)
            lms.append(out[0])
            veins.append(out[1])
            state = list(out[2:])
    return torch.stack(lms, 1), torch.stack(veins, 1)


def streaming_macs(model: AutoDVTNet):
    sm = StreamingAutoDVT(model, "conv3d")  # count_macs hooks the Conv3d modules
    return count_macs(sm, torch.zeros(1, 1, 1, *FRAME_SIZE), *init_state(model, 1, form="conv3d"))
