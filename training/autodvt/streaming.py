"""Continual (streaming) inference for the 3D AutoDVT net (after Hedegaard & Iosifidis).

The trunk's Conv3d layers have temporal kernel 3, temporal stride 1 and no temporal
padding. Output slice t of layer k needs input slices t-2, t-1, t of that layer. So if
layer k keeps its input's 2 newest time slices as state, a new frame needs just ONE new
output slice per layer: cat(state_k, new_slice) -> conv over T=3 -> 1 slice, and the new
state is the last 2 of those 3 slices.

State shapes (batch B):  state_0 [B, 1, 2, 150, 150]   (raw normalised frames)
                         state_1 [B, 32, 2, 75, 75]    (block 0 output)
                         state_2 [B, 32, 2, 38, 38]    (block 1 output)
                         state_3 [B, 64, 2, 19, 19]    (block 2 output)
Start from zeros; after 8 warm-up frames, the 9th frame's output equals the windowed
model's output for the last 9 frames (every later frame too). The output for frame t
depends only on frames t-8..t, so zero initial state is flushed out exactly.

Each streaming step of a Conv3d (kernel 3 in time, 3 input slices, 1 output slice) is
the same sum as a Conv2d over the 3 slices stacked as channels: input [B, C, 3, H, W]
flattened to [B, 3C, H, W] (channel c*3 + t) against the weight [O, C, 3, kh, kw]
flattened the same way. The export uses that form (`fold_time=True`): ONNX Runtime's
CPU provider has its fastest kernels (NCHWc layout, Conv+BatchNorm+ReLU fusion) for 2D
convolutions only. Same weights, same outputs (up to float rounding). The window export
folds time too, in its own form: see time_fold.py.
"""
from __future__ import annotations

from typing import List, Tuple

import torch
from torch import nn

from .model import FRAME_SIZE, TASK_CLASSES, TASKS, AutoDVTNet, count_macs
from .time_fold import block_step_as_conv2d


def state_shapes(model: AutoDVTNet, batch: int = 1) -> List[List[int]]:
    if model.variant.dims != 3:
        return []
    shapes = []
    c, h, w = 1, FRAME_SIZE[0], FRAME_SIZE[1]
    for blk in model.trunk.blocks:
        shapes.append([batch, c, 2, h, w])
        conv = blk.conv
        c = conv.out_channels
        h = (h + 2 * conv.padding[1] - conv.kernel_size[1]) // conv.stride[1] + 1
        w = (w + 2 * conv.padding[2] - conv.kernel_size[2]) // conv.stride[2] + 1
    return shapes


def init_state(model: AutoDVTNet, batch: int = 1, device=None) -> List[torch.Tensor]:
    return [torch.zeros(s, device=device) for s in state_shapes(model, batch)]


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
    """One frame in, probabilities + new state out. Shares the weights of `model`.

    fold_time: run each trunk step as a Conv2d over the stacked time slices (the export's
    form, faster in ONNX Runtime); False runs the model's own Conv3d blocks."""

    def __init__(self, model: AutoDVTNet, fold_time: bool = True):
        super().__init__()
        self.model = model
        self.fold_time = fold_time

    def forward(self, frame: torch.Tensor, *state: torch.Tensor):
        # frame: [B, 1, 1, H, W] normalised like the window model's input
        m = self.model
        if m.variant.dims == 2:
            feat = m.trunk(frame)  # the 2D trunk only looks at the newest frame: no state
            lm, vein = _probs(m, feat, frame.flatten(1))
            return (lm, vein)
        x = frame
        new_state = []
        for blk, s in zip(m.trunk.blocks, state):
            inp = torch.cat([s, x], dim=2)  # [B, C, 3, H, W]
            new_state.append(inp[:, :, 1:])
            x = block_step_as_conv2d(blk, inp) if self.fold_time else blk(inp)  # [B, C', 1, H', W']
        feat = x[:, :, 0]
        lm, vein = _probs(m, feat, frame.flatten(1))
        return (lm, vein) + tuple(new_state)


def run_stream(model: AutoDVTNet, frames: torch.Tensor):
    """frames [B, 1, S, H, W] -> per-step (landmark [B,S,3], vein [B,S,2]), zero initial state."""
    sm = StreamingAutoDVT(model).eval()
    state = init_state(model, frames.shape[0], frames.device)
    lms, veins = [], []
    with torch.no_grad():
        for t in range(frames.shape[2]):
            out = sm(frames[:, :, t : t + 1], *state)
            lms.append(out[0])
            veins.append(out[1])
            state = list(out[2:])
    return torch.stack(lms, 1), torch.stack(veins, 1)


def streaming_macs(model: AutoDVTNet):
    sm = StreamingAutoDVT(model, fold_time=False)  # count_macs hooks the Conv3d modules
    return count_macs(sm, torch.zeros(1, 1, 1, *FRAME_SIZE), *init_state(model, 1))
