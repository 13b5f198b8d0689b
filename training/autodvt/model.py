"""The AutoDVT network (Tanno et al., Table 1) and its Table 2 ablation variants.

Shared trunk (3D): four Conv3d blocks, 32/32/64/64 channels, kernel 3x3x3, stride
(1, 2, 2), padding (0, 1, 1) -- no temporal padding, so a 9-frame stack shrinks
T 9 -> 7 -> 5 -> 3 -> 1 while H, W go 150 -> 75 -> 38 -> 19 -> 10. Every conv is
followed by BatchNorm + ReLU (convs have no bias: BN's shift plays that role).

Per task head: three Conv2d 3x3 (128 channels, stride 1, padding 1) + BN + ReLU,
dropout 0.5, global average pooling, linear. Landmark head: 3 classes (BG, LM1,
LM2); vein head: 2 classes (open, closed). `forward` returns logits per task.

2D variant: the same layout with every Conv3d replaced by a Conv2d 3x3 (stride 2,
padding 1) applied to ONE frame -- the newest of the 9-frame window -- and trunk
channels raised to 46/46/92/92 so that the total parameter count stays within
~1 % of the 3D net (see `TRUNK_CHANNELS_2D` and `python3 -m autodvt.model`).
"""
from __future__ import annotations

import dataclasses
import json
from typing import Dict, List, Sequence, Tuple

import torch
from torch import nn

WINDOW = 9
FRAME_SIZE = (150, 150)
TRUNK_CHANNELS_3D = (32, 32, 64, 64)
TRUNK_CHANNELS_2D = (46, 46, 92, 92)
HEAD_CHANNELS = 128
HEAD_CONVS = 3
DROPOUT = 0.5
LANDMARK_CLASSES = ("BG", "LM1", "LM2")
VEIN_CLASSES = ("open", "closed")
TASK_CLASSES = {"landmark": LANDMARK_CLASSES, "vein": VEIN_CLASSES}
TASKS = ("landmark", "vein")


@dataclasses.dataclass(frozen=True)
class Variant:
    """A Table 2 configuration: '3d-dual-aug', '2d-single-landmark', ..."""

    dims: int = 3  # 3 = Conv3d trunk over 9 frames ("+Temp."), 2 = Conv2d on the newest frame
    tasks: Tuple[str, ...] = TASKS
    augment: bool = True

    @property
    def name(self) -> str:
        if self.tasks == TASKS:
            t = "dual"
        else:
            t = "single-" + self.tasks[0]
        return f"{self.dims}d-{t}" + ("-aug" if self.augment else "")

    @staticmethod
    def parse(name: str) -> "Variant":
        parts = name.strip().lower().split("-")
        if not parts or parts[0] not in ("2d", "3d"):
            raise ValueError(f"variant {name!r}: must start with 2d- or 3d-")
        dims = int(parts[0][0])
        rest = parts[1:]
        augment = False
        if rest and rest[-1] == "aug":
            augment = True
            rest = rest[:-1]
        if rest == ["dual"]:
            tasks = TASKS
        elif len(rest) == 2 and rest[0] == "single" and rest[1] in TASKS:
            tasks = (rest[1],)
        else:
            raise ValueError(
                f"variant {name!r}: expected {{2d|3d}}-{{dual|single-landmark|single-vein}}[-aug]"
            )
        return Variant(dims=dims, tasks=tasks, augment=augment)


class ConvBlock(nn.Module):
    """conv (no bias) -> BatchNorm -> ReLU, 2D or 3D."""

    def __init__(self, cin: int, cout: int, dims: int, stride, padding):
        super().__init__()
        Conv = nn.Conv3d if dims == 3 else nn.Conv2d
        BN = nn.BatchNorm3d if dims == 3 else nn.BatchNorm2d
        self.conv = Conv(cin, cout, kernel_size=3, stride=stride, padding=padding, bias=False)
        self.bn = BN(cout)
        self.act = nn.ReLU(inplace=False)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Trunk(nn.Module):
    def __init__(self, dims: int):
        super().__init__()
        self.dims = dims
        chans = TRUNK_CHANNELS_3D if dims == 3 else TRUNK_CHANNELS_2D
        stride = (1, 2, 2) if dims == 3 else (2, 2)
        padding = (0, 1, 1) if dims == 3 else (1, 1)
        blocks = []
        cin = 1
        for c in chans:
            blocks.append(ConvBlock(cin, c, dims, stride, padding))
            cin = c
        self.blocks = nn.ModuleList(blocks)
        self.out_channels = cin

    def forward(self, x):
        # x: [N, 1, T=9, H, W]
        if self.dims == 2:
            x = x[:, :, -1]  # the newest frame: [N, 1, H, W]
        for b in self.blocks:
            x = b(x)
        if self.dims == 3:
            x = x[:, :, 0]  # T == 1 after four valid temporal convs
        return x


class Head(nn.Module):
    def __init__(self, cin: int, classes: int):
        super().__init__()
        blocks = []
        for _ in range(HEAD_CONVS):
            blocks.append(ConvBlock(cin, HEAD_CHANNELS, 2, 1, 1))
            cin = HEAD_CHANNELS
        self.blocks = nn.ModuleList(blocks)
        self.dropout = nn.Dropout(DROPOUT)
        self.fc = nn.Linear(HEAD_CHANNELS, classes)

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        x = self.dropout(x)
        x = x.mean(dim=(2, 3))  # global average pooling (deterministic on CUDA too)
        return self.fc(x)


class AutoDVTNet(nn.Module):
    def __init__(self, variant: Variant = Variant()):
        super().__init__()
        self.variant = variant
        self.trunk = Trunk(variant.dims)
        self.heads = nn.ModuleDict(
            {t: Head(self.trunk.out_channels, len(TASK_CLASSES[t])) for t in variant.tasks}
        )

    def forward(self, x) -> Dict[str, torch.Tensor]:
        f = self.trunk(x)
        return {t: h(f) for t, h in self.heads.items()}


def build_model(variant) -> AutoDVTNet:
    if isinstance(variant, str):
        variant = Variant.parse(variant)
    return AutoDVTNet(variant)


def param_count(model: nn.Module, trainable_only: bool = False) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def layer_table(model: AutoDVTNet, batch: int = 1) -> List[dict]:
    """Per-layer output shapes and parameter counts, from a forward pass on zeros."""
    rows: List[dict] = []
    hooks = []
    for name, mod in model.named_modules():
        if isinstance(mod, (ConvBlock, nn.Linear, nn.Dropout)):
            def hook(m, inp, out, name=name):
                rows.append({
                    "layer": name,
                    "type": type(m.conv).__name__ if isinstance(m, ConvBlock) else type(m).__name__,
                    "in": list(inp[0].shape),
                    "out": list(out.shape),
                    "params": sum(p.numel() for p in m.parameters()),
                })
            hooks.append(mod.register_forward_hook(hook))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(batch, 1, WINDOW, *FRAME_SIZE))
    model.train(was_training)
    for h in hooks:
        h.remove()
    return rows


def count_macs(model: nn.Module, *inputs) -> Dict[str, int]:
    """Multiply-adds of conv and linear layers for one forward pass, per batch item.

    Convention: one multiply-add = one MAC (FLOPs ~= 2 x MACs). Counted: Conv2d/3d
    and Linear weights (BN is folded into the conv at export, ReLU/pool/softmax are
    elementwise and not counted). Returns {"total": ..., "<layer>": ...}.
    """
    counts: Dict[str, int] = {}
    hooks = []
    for name, mod in model.named_modules():
        if isinstance(mod, (nn.Conv2d, nn.Conv3d)):
            def hook(m, inp, out, name=name):
                k = 1
                for s in m.kernel_size:
                    k *= s
                per_out = (m.in_channels // m.groups) * k
                counts[name] = counts.get(name, 0) + (out.numel() // out.shape[0]) * per_out
            hooks.append(mod.register_forward_hook(hook))
        elif isinstance(mod, nn.Linear):
            def hook(m, inp, out, name=name):
                counts[name] = counts.get(name, 0) + (out.numel() // out.shape[0]) * m.in_features
            hooks.append(mod.register_forward_hook(hook))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(*inputs)
    model.train(was_training)
    for h in hooks:
        h.remove()
    out = {"total": sum(counts.values())}
    out.update(counts)
    return out


def window_macs(model: AutoDVTNet) -> Dict[str, int]:
    return count_macs(model, torch.zeros(1, 1, WINDOW, *FRAME_SIZE))


def summary(variant="3d-dual-aug") -> str:
    model = build_model(variant)
    lines = [f"variant {model.variant.name}: {param_count(model):,} parameters "
             f"({param_count(model) * 4 / 1e6:.2f} MB fp32)"]
    lines.append(f"{'layer':28s} {'type':8s} {'output':26s} {'params':>9s}")
    for r in layer_table(model):
        lines.append(f"{r['layer']:28s} {r['type']:8s} {str(r['out']):26s} {r['params']:9,d}")
    macs = window_macs(model)
    lines.append(f"multiply-adds per {WINDOW}-frame stack: {macs['total']:,}")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    names = sys.argv[1:] or ["3d-dual-aug", "2d-dual-aug"]
    for n in names:
        print(summary(n))
        print()
