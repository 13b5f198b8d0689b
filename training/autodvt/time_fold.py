"""The 3D trunk's Conv3d blocks as 2D convolutions over time slices (the forms the ONNX exports use).

Every trunk Conv3d has temporal kernel 3, temporal stride 1 and no temporal padding, so output slice t
is the sum over the three input slices t, t+1, t+2 of a 2D convolution with one temporal tap of the
weight:

    conv3d(x, W)[:, :, t] = sum_k conv2d(x[:, :, t + k], W[:, :, k])      k = 0, 1, 2

ONNX Runtime's CPU provider has its fastest convolutions (NCHWc layout, Conv + Add + ReLU fused into one
kernel) for 2D only, so the exports write the trunk this way ("fold_time"). Same weights, same outputs
up to float rounding. The forms:

- window (`TimeFoldedTrunk`): each time slice stays its own [B, C, H, W] tensor and every output slice
  is the sum of three Conv2d, one per tap (`TapConv`). Measured on the window model in onnxruntime-node
  this is faster than stacking the slices (Concat, or Reshape + Gather, before one Conv2d): the sum is
  fused into the convolution's output, so no activation is copied or converted between layouts.
- streaming (`StreamingTapTrunk`, the streaming export's default): one new slice per block and step,
  three per-tap Conv2d on it, and two cached tensors per block: either the block's 2 previous input
  slices or the 2 partial sums the new slice's taps add to (`TapStep`), whichever is smaller.
- stacked streaming step (`block_step_as_conv2d`, the streaming export before the tap form): the 3
  slices are one tensor [B, C, 3, H, W], flattened to [B, 3C, H, W] (channel c*3 + k) and convolved
  once with W flattened the same way. The Concat that builds it, the Slice that keeps the newest 2 and
  the layout conversions they force took a quarter of the step in onnxruntime (profiled, batch 1).
"""
from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import torch
from torch import nn
from torch.nn import functional as F

from .model import FRAME_SIZE, ConvBlock, Trunk

TAPS = 3  # temporal kernel of every trunk Conv3d


def fold_batchnorm(block: ConvBlock) -> Tuple[torch.Tensor, torch.Tensor]:
    """conv (no bias) + eval BatchNorm -> (weight, bias) of one conv with the same output."""
    bn = block.bn
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    w = block.conv.weight * scale.reshape(-1, *([1] * (block.conv.weight.dim() - 1)))
    b = bn.bias - bn.running_mean * scale
    return w.detach().clone(), b.detach().clone()


def _check_time_kernel(conv: nn.Conv3d):
    if conv.kernel_size[0] != TAPS or conv.stride[0] != 1 or conv.padding[0] != 0 or conv.dilation[0] != 1:
        raise ValueError(f"time folding needs temporal kernel {TAPS}, stride 1, padding 0, dilation 1; got "
                         f"kernel {conv.kernel_size}, stride {conv.stride}, padding {conv.padding}")


def block_step_as_conv2d(blk: ConvBlock, inp: torch.Tensor) -> torch.Tensor:
    """One streaming step of a Conv3d block (conv, BatchNorm, ReLU) as a Conv2d over the
    3 input slices stacked as channels. inp [B, C, 3, H, W] -> [B, C', 1, H', W']."""
    conv, bn = blk.conv, blk.bn
    _check_time_kernel(conv)
    w = conv.weight  # [O, C, 3, kh, kw]
    y = F.conv2d(inp.flatten(1, 2), w.flatten(1, 2), conv.bias, stride=tuple(conv.stride[1:]),
                 padding=tuple(conv.padding[1:]))
    y = F.batch_norm(y, bn.running_mean, bn.running_var, bn.weight, bn.bias, False, 0.0, bn.eps)
    return blk.act(y).unsqueeze(2)


def conv3d_weight_from_taps(taps: Sequence[torch.Tensor]) -> torch.Tensor:
    """Per-tap Conv2d weights [O, C, kh, kw] (k = 0, 1, 2: oldest slice first) -> Conv3d weight [O, C, 3, kh, kw]."""
    if len(taps) != TAPS:
        raise ValueError(f"expected {TAPS} temporal taps, got {len(taps)}")
    return torch.stack(list(taps), dim=2)


class TapConv(nn.Module):
    """One Conv3d + BatchNorm (folded) over 3 time slices as a sum of 3 Conv2d, one per temporal tap.
    The bias sits on the last tap. forward(slices: 3 x [B, C, H, W]) -> [B, O, H', W'] (no activation)."""

    def __init__(self, block: ConvBlock):
        super().__init__()
        conv = block.conv
        _check_time_kernel(conv)
        w, b = fold_batchnorm(block)  # [O, C, 3, kh, kw], [O]
        self.taps = nn.ModuleList()
        for k in range(TAPS):
            c2 = nn.Conv2d(conv.in_channels, conv.out_channels, tuple(conv.kernel_size[1:]),
                           stride=tuple(conv.stride[1:]), padding=tuple(conv.padding[1:]), bias=k == TAPS - 1)
            with torch.no_grad():
                c2.weight.copy_(w[:, :, k])
                if c2.bias is not None:
                    c2.bias.copy_(b)
            self.taps.append(c2)

    def forward(self, slices: Sequence[torch.Tensor]) -> torch.Tensor:
        # left to right, so ONNX Runtime fuses each Add into the next Conv
        y = self.taps[0](slices[0])
        for k in range(1, TAPS):
            y = y + self.taps[k](slices[k])
        return y


class TimeFoldedBlock(nn.Module):
    """A trunk block over a list of T time slices -> T - 2 slices (ReLU(TapConv))."""

    def __init__(self, block: ConvBlock):
        super().__init__()
        self.conv = TapConv(block)

    def forward(self, slices: List[torch.Tensor]) -> List[torch.Tensor]:
        return [F.relu(self.conv(slices[t:t + TAPS])) for t in range(len(slices) - TAPS + 1)]


class TimeFoldedTrunk(nn.Module):
    """The 3D trunk with BatchNorm folded and every Conv3d as per-tap Conv2d (a copy of the weights, for
    export: eval mode only). frames [B, 1, T, H, W] -> features [B, C, H', W'] (the trunk's T = 1 output).
    Conv node names keep the trunk's: /trunk/blocks.N/conv/taps.K/Conv (gradcam.load_onnx_model reads them)."""

    def __init__(self, trunk: Trunk):
        super().__init__()
        if trunk.dims != 3:
            raise ValueError("time folding needs the 3D trunk")
        self.blocks = nn.ModuleList(TimeFoldedBlock(b) for b in trunk.blocks)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        slices = list(frames.unbind(2))  # T x [B, 1, H, W]
        for blk in self.blocks:
            slices = blk(slices)
        if len(slices) != 1:
            raise ValueError(f"the trunk left {len(slices)} time slices; it needs a window of "
                             f"{1 + (TAPS - 1) * len(self.blocks)} frames")
        return slices[0]


CACHES = ("inputs", "partial_sums")


class TapStep(nn.Module):
    """One streaming step of a trunk block (conv, BatchNorm folded, ReLU): the block's new input slice x_t
    in, its new output slice out, and two cached tensors carried from step to step.

    With W_k the tap for slice t - 2 + k, output t = ReLU(W_0 x_{t-2} + W_1 x_{t-1} + W_2 x_t + b). The cache
    holds either
    - "inputs": s0 = x_{t-2}, s1 = x_{t-1} (the block's input size); the step sums three Conv2d, or
    - "partial_sums": s0 = W_0 x_{t-2} + W_1 x_{t-1}, s1 = W_0 x_{t-1} (the block's output size, before
      bias and ReLU); the step convolves only x_t, once per tap, and adds to them.
    Same multiply-adds either way; the smaller cache costs less to copy and to convert between
    onnxruntime's layouts. forward(x_t, s0, s1) -> (output t, s0 for t + 1, s1 for t + 1)."""

    def __init__(self, block: ConvBlock, cache: str):
        super().__init__()
        if cache not in CACHES:
            raise ValueError(f"cache must be one of {CACHES}, got {cache!r}")
        self.cache = cache
        self.conv = TapConv(block)

    def forward(self, x: torch.Tensor, s0: torch.Tensor, s1: torch.Tensor):
        taps = self.conv.taps
        if self.cache == "inputs":
            return F.relu(self.conv([s0, s1, x])), s1, x
        # onnxruntime runs these Adds as separate ops (the state arrives in NCHW, not in its blocked
        # layout); at the output size they still cost less than caching the inputs
        return F.relu(s0 + taps[2](x)), s1 + taps[1](x), taps[0](x)


def block_shapes(trunk: Trunk, frame_size=FRAME_SIZE) -> List[Tuple[Tuple[int, int, int], Tuple[int, int, int]]]:
    """Per trunk block: (input slice [C, H, W], output slice [C', H', W'])."""
    shapes = []
    c, h, w = 1, frame_size[0], frame_size[1]
    for blk in trunk.blocks:
        conv = blk.conv
        out = (conv.out_channels,
               (h + 2 * conv.padding[1] - conv.kernel_size[1]) // conv.stride[1] + 1,
               (w + 2 * conv.padding[2] - conv.kernel_size[2]) // conv.stride[2] + 1)
        shapes.append(((c, h, w), out))
        c, h, w = out
    return shapes


def tap_state_layout(trunk: Trunk, frame_size=FRAME_SIZE) -> List[Dict[str, object]]:
    """The cached tensors of `StreamingTapTrunk`, in its state order: per block, two of
    {"block", "cache", "holds", "shape" [C, H, W]}. Each block caches its inputs or its partial sums,
    whichever is smaller (for the Table 1 trunk: the frames for block 0, partial sums after it)."""
    layout = []
    for i, ((c, h, w), (o, oh, ow)) in enumerate(block_shapes(trunk, frame_size)):
        if c * h * w <= o * oh * ow:
            layout += [{"block": i, "cache": "inputs", "holds": "input slice t-2", "shape": [c, h, w]},
                       {"block": i, "cache": "inputs", "holds": "input slice t-1", "shape": [c, h, w]}]
        else:
            layout += [{"block": i, "cache": "partial_sums",
                        "holds": "partial sum of output t: taps 0, 1 on input slices t-2, t-1 (no bias, before ReLU)",
                        "shape": [o, oh, ow]},
                       {"block": i, "cache": "partial_sums",
                        "holds": "partial sum of output t+1: tap 0 on input slice t-1 (no bias, before ReLU)",
                        "shape": [o, oh, ow]}]
    return layout


class StreamingTapTrunk(nn.Module):
    """The 3D trunk for streaming, BatchNorm folded (a copy of the weights: eval mode only).
    forward(frame [B, 1, 1, H, W], *state) -> (features [B, C, H', W'], *new state); the state is
    `tap_state_layout` (two [B, ...] tensors per block), zeros at the start. From the 9th frame on the
    features equal the trunk's on the last 9 frames: the output for frame t depends only on frames
    t-8..t, so whatever the start state held is flushed out exactly."""

    def __init__(self, trunk: Trunk, frame_size=FRAME_SIZE):
        super().__init__()
        if trunk.dims != 3:
            raise ValueError("time folding needs the 3D trunk")
        for blk in trunk.blocks:
            _check_time_kernel(blk.conv)
        self.layout = tap_state_layout(trunk, frame_size)
        self.steps = nn.ModuleList(TapStep(b, self.layout[2 * i]["cache"]) for i, b in enumerate(trunk.blocks))

    def forward(self, frame: torch.Tensor, *state: torch.Tensor):
        if len(state) != 2 * len(self.steps):
            raise ValueError(f"expected {2 * len(self.steps)} state tensors, got {len(state)}")
        x = frame[:, :, 0]
        new_state: List[torch.Tensor] = []
        for i, step in enumerate(self.steps):
            x, s0, s1 = step(x, state[2 * i], state[2 * i + 1])
            new_state += [s0, s1]
        return (x, *new_state)
