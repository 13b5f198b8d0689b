"""Grad-CAM saliency (Selvaraju et al.; the paper's Fig. 2) for the AutoDVT network, as a plain
forward graph that ONNX Runtime can run.

Grad-CAM for a conv layer with activations A [K, H, W] and a class score y (the logit):

    w_k = mean_{h,w} dy/dA_k(h, w)        cam = ReLU(sum_k w_k A_k)

Layer: by default the **last shared Conv3d block** (`trunk`: after BN + ReLU, T = 1, 64 x 10 x 10): the
last layer both tasks share, so the landmark and vein maps explain the same features, and on the
shipped model its maps are the sharper ones -- they pick out single vessels, while maps at the last
Conv2d of a branch (`head`, 128 x 10 x 10, three 3x3 convs later) are broad blobs (docs/saliency.png).
At `head` the gradient of GAP + linear is W_fc[c] / (H * W) everywhere, so Grad-CAM there equals CAM.

Numerics: the trunk gradient passes three ReLU masks, so Grad-CAM is discontinuous in the input where
a pre-activation crosses 0. Two runtimes (PyTorch, ONNX Runtime) round the convs differently (~1e-6),
and a pre-activation within that of 0 can take the other mask, moving the normalised map by ~1e-3 (on
the tiny-random window reference, sample 1: a pre-activation of 3.9e-7 gave 1.5e-3). `relu_margin`
reports the smallest |pre-activation| on the gradient path; parity (1e-4) is asserted where it is at
least MARGIN. The `head` layer has no mask on its gradient path and agrees everywhere.

Target: the predicted class of each head (argmax of the logits; ties go to the lower index), score =
its logit (pre-softmax, as in the Grad-CAM paper).

The gradient is written out explicitly -- no autograd in the graph. For `trunk` it passes from the score
back through GAP + linear and the branch's three Conv2d + BN + ReLU blocks (BN folded into each
conv's weight and bias):

    g3 = W_fc[c] / (H * W)  broadcast over (H, W)              dy/da3
    g_{i-1} = ConvTranspose(g_i * [z_i > 0], W_i, pad 1)        dy/da_{i-1}, i = 3, 2, 1 (a0 = trunk output)

where z_i is conv i's (BN-folded) pre-activation -- the ReLU mask is the ReLU derivative and the BN
scale sits inside the folded weight. ReLU'(0) = 0, as in PyTorch autograd.

Output heatmap: the 10 x 10 cam upsampled to the input size (bilinear, align_corners=False), divided
by its maximum (all zeros stay zeros), so values lie in [0, 1]. Both layers see the whole 9-frame stack
(T = 1 after the trunk): the map is drawn over the newest frame.

`load_onnx_model` rebuilds the PyTorch network from a window model's ONNX initializers (BN folded at
export: each BatchNorm is set to the identity plus the folded bias, eps = 0), so a shipped model whose
checkpoint is not at hand can be explained too.
"""
from __future__ import annotations

import json
import re
from typing import Dict, List, Optional, Tuple

import torch
from torch import nn
from torch.nn import functional as F

from .model import FRAME_SIZE, TASK_CLASSES, TASKS, AutoDVTNet, ConvBlock, build_model
from .time_fold import TAPS, conv3d_weight_from_taps, fold_batchnorm

LAYERS = ("trunk", "head")
MARGIN = 1e-5  # |pre-activation| below which two runtimes may disagree on a ReLU mask
NORM_EPS = 1e-12  # heatmap / max(heatmap.max(), NORM_EPS)


# ---------------------------------------------------------------------------------------------
# weights from an ONNX window model


def load_onnx_model(path: str) -> Tuple[AutoDVTNet, Dict[str, str]]:
    """The AutoDVTNet whose forward equals the ONNX window model's (BN folded into conv + bias).

    Reads both trunk forms: one Conv3d per block (/trunk/blocks.N/conv/Conv, older exports) or the
    time-folded one, three Conv2d per block, one per temporal tap (/trunk/blocks.N/conv/taps.K/Conv,
    repeated for every output slice; see autodvt.time_fold), stacked back into the Conv3d weight.

    Returns (model in eval mode, metadata_props as a dict of raw strings)."""
    import onnx
    from onnx import numpy_helper

    m = onnx.load(path)
    meta = {p.key: p.value for p in m.metadata_props}
    variant = json.loads(meta["autodvt.variant"]) if meta.get("autodvt.variant", "").startswith('"') \
        else meta.get("autodvt.variant", "3d-dual")
    model = build_model(variant).eval()
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    for node in m.graph.node:  # the exporter writes equal initializers once, the others as Identity of it
        if node.op_type == "Identity" and node.input[0] in inits:
            inits[node.output[0]] = inits[node.input[0]]

    def tensor(name: str) -> torch.Tensor:
        if name not in inits:
            raise ValueError(f"{path}: {name} is not an initializer (was the model exported with BN folded?)")
        return torch.from_numpy(inits[name].copy())

    Ref = Tuple[str, Optional[str]]  # (weight initializer, bias initializer or None)
    convs: Dict[str, Ref] = {}
    taps: Dict[str, Dict[int, Ref]] = {}  # time-folded trunk: block key -> tap -> weights
    fcs: Dict[str, Ref] = {}
    for node in m.graph.node:
        out = node.output[0]
        if node.op_type == "Conv":
            ref = (node.input[1], node.input[2] if len(node.input) > 2 else None)
            mt = re.search(r"/trunk/blocks\.(\d+)/conv/taps\.(\d+)(?:_\d+)?/", out)
            if mt:
                key, k = f"trunk.{mt.group(1)}", int(mt.group(2))
                seen = taps.setdefault(key, {}).setdefault(k, ref)
                if seen != ref:
                    raise ValueError(f"{path}: {key} tap {k} uses two weights ({seen} and {ref})")
                continue
            mt = re.search(r"/(trunk|landmark|vein)/blocks\.(\d+)/conv/", out)
            if not mt:
                raise ValueError(f"{path}: cannot place Conv node {node.name or out}")
            convs[f"{mt.group(1)}.{mt.group(2)}"] = ref
        elif node.op_type == "Gemm":
            mt = re.search(r"/(landmark|vein)/fc/", out)
            if not mt:
                raise ValueError(f"{path}: cannot place Gemm node {node.name or out}")
            attrs = {a.name: a for a in node.attribute}
            if "transB" not in attrs or attrs["transB"].i != 1:
                raise ValueError(f"{path}: expected Gemm with transB=1 for the {mt.group(1)} classifier")
            fcs[mt.group(1)] = (node.input[1], node.input[2] if len(node.input) > 2 else None)

    def weights(key: str) -> Tuple[torch.Tensor, torch.Tensor]:
        if key in taps:
            if key in convs or sorted(taps[key]) != list(range(TAPS)):
                raise ValueError(f"{path}: {key} needs exactly Conv taps 0..{TAPS - 1}, found {sorted(taps[key])}"
                                 + (" and a Conv3d" if key in convs else ""))
            refs = [taps[key][k] for k in range(TAPS)]
            biases = [tensor(b) for _, b in refs if b]
            if not biases:
                raise ValueError(f"{path}: {key} has no bias (was the model exported with BN folded?)")
            return conv3d_weight_from_taps([tensor(w) for w, _ in refs]), torch.stack(biases).sum(0)
        if key not in convs:
            raise ValueError(f"{path}: no Conv for {key}")
        wname, bname = convs[key]
        if not bname:
            raise ValueError(f"{path}: {key} has no bias (was the model exported with BN folded?)")
        return tensor(wname), tensor(bname)

    def set_block(block: ConvBlock, key: str):
        w, b = weights(key)
        if tuple(w.shape) != tuple(block.conv.weight.shape):
            raise ValueError(f"{path}: {key} weight {tuple(w.shape)} != model {tuple(block.conv.weight.shape)}")
        with torch.no_grad():
            block.conv.weight.copy_(w)
            block.bn.weight.fill_(1.0)
            block.bn.bias.copy_(b)
            block.bn.running_mean.zero_()
            block.bn.running_var.fill_(1.0)
        block.bn.eps = 0.0  # (x - 0) / sqrt(1 + 0) * 1 + b == x + b exactly

    for i, blk in enumerate(model.trunk.blocks):
        set_block(blk, f"trunk.{i}")
    for t, head in model.heads.items():
        for i, blk in enumerate(head.blocks):
            set_block(blk, f"{t}.{i}")
        wname, bname = fcs[t]
        with torch.no_grad():
            head.fc.weight.copy_(tensor(wname))
            head.fc.bias.copy_(tensor(bname) if bname else torch.zeros_like(head.fc.bias))
    layers = {f"trunk.{i}" for i in range(len(model.trunk.blocks))} | \
        {f"{t}.{i}" for t, h in model.heads.items() for i in range(len(h.blocks))}
    unplaced = sorted((set(convs) | set(taps)) - layers)
    if unplaced:
        raise ValueError(f"{path}: Conv nodes for {', '.join(unplaced)}: no such layer in the {variant} network")
    return model.eval(), meta


# ---------------------------------------------------------------------------------------------
# the explicit-gradient module (what gets exported)


def normalise_heatmap(cam: torch.Tensor, size=FRAME_SIZE) -> torch.Tensor:
    """[B, 1, h, w] non-negative cam -> [B, H, W] bilinear (align_corners=False) / max."""
    up = F.interpolate(cam, size=tuple(size), mode="bilinear", align_corners=False)
    peak = up.flatten(1).max(dim=1).values.clamp(min=NORM_EPS)
    return up[:, 0] / peak[:, None, None]


class GradCAMExport(nn.Module):
    """frames [B, 1, 9, 150, 150] -> landmark [B, 3], vein [B, 2] (softmax, as the window model),
    saliency_landmark, saliency_vein [B, 150, 150] in [0, 1], saliency_landmark_class,
    saliency_vein_class [B] (int64: the class each map explains). A head the model lacks gives
    uniform probabilities, an all-zero map and class -1."""

    def __init__(self, model: AutoDVTNet, layer: str = "trunk"):
        super().__init__()
        if layer not in LAYERS:
            raise ValueError(f"layer must be one of {LAYERS}")
        self.layer = layer
        self.trunk = model.trunk
        self.tasks = tuple(model.variant.tasks)
        for t, head in model.heads.items():
            for i, blk in enumerate(head.blocks):
                w, b = fold_batchnorm(blk)
                self.register_buffer(f"{t}_w{i}", w)
                self.register_buffer(f"{t}_b{i}", b)
            self.register_buffer(f"{t}_fcw", head.fc.weight.detach().clone())
            self.register_buffer(f"{t}_fcb", head.fc.bias.detach().clone())
        self.n_convs = {t: len(h.blocks) for t, h in model.heads.items()}

    def _head(self, t: str, feats: torch.Tensor):
        zs: List[torch.Tensor] = []
        a = feats
        for i in range(self.n_convs[t]):
            z = F.conv2d(a, getattr(self, f"{t}_w{i}"), getattr(self, f"{t}_b{i}"), padding=1)
            zs.append(z)
            a = F.relu(z)
        fcw = getattr(self, f"{t}_fcw")
        logits = F.linear(a.mean(dim=(2, 3)), fcw, getattr(self, f"{t}_fcb"))
        cls = torch.argmax(logits, dim=1)
        hw = a.shape[2] * a.shape[3]
        g = (fcw[cls] / hw)[:, :, None, None].expand_as(a)  # d logit_c / d a_last
        act = a
        if self.layer == "trunk":
            for i in reversed(range(self.n_convs[t])):
                g = g * (zs[i] > 0).to(g.dtype)  # ReLU'
                g = F.conv_transpose2d(g, getattr(self, f"{t}_w{i}"), padding=1)  # conv'
            act = feats
        weights = g.mean(dim=(2, 3))  # [B, K]
        cam = F.relu((weights[:, :, None, None] * act).sum(dim=1, keepdim=True))
        return torch.softmax(logits, dim=1), normalise_heatmap(cam, FRAME_SIZE), cls

    def forward(self, frames):
        feats = self.trunk(frames)
        probs, maps, classes = [], [], []
        like = frames.flatten(1)
        for t in TASKS:
            if t in self.tasks:
                p, h, c = self._head(t, feats)
            else:
                n = len(TASK_CLASSES[t])
                p = torch.ones_like(like[:, :n]) / n
                h = torch.zeros_like(frames[:, 0, 0])
                c = torch.zeros_like(like[:, 0], dtype=torch.int64) - 1
            probs.append(p)
            maps.append(h)
            classes.append(c)
        return probs[0], probs[1], maps[0], maps[1], classes[0], classes[1]


def relu_margin(model: AutoDVTNet, frames: torch.Tensor, layer: str = "trunk") -> List[float]:
    """Per sample: the smallest |pre-activation| of the ReLUs the Grad-CAM gradient passes (inf for
    `head`). Below ~1e-6 two runtimes can disagree on a mask; see the module doc."""
    if layer != "trunk":
        return [float("inf")] * frames.shape[0]
    g = GradCAMExport(model, layer).eval()
    worst = torch.full((frames.shape[0],), float("inf"))
    with torch.no_grad():
        feats = model.trunk(frames)
        for t in g.tasks:
            a = feats
            for i in range(g.n_convs[t]):
                z = F.conv2d(a, getattr(g, f"{t}_w{i}"), getattr(g, f"{t}_b{i}"), padding=1)
                worst = torch.minimum(worst, z.abs().flatten(1).min(dim=1).values)
                a = F.relu(z)
    return worst.tolist()


OUTPUT_NAMES = ["landmark", "vein", "saliency_landmark", "saliency_vein", "saliency_landmark_class",
                "saliency_vein_class"]


# ---------------------------------------------------------------------------------------------
# the reference: PyTorch autograd Grad-CAM with hooks


def gradcam_autograd(model: AutoDVTNet, frames: torch.Tensor, layer: str = "trunk") -> Dict[str, dict]:
    """Grad-CAM by autograd on the unmodified network (forward hooks + torch.autograd.grad).

    Returns {task: {"heatmap": [B, H, W], "cam": [B, h, w] (before upsampling), "class": [B],
    "probs": [B, C]}}."""
    model = model.eval()
    out: Dict[str, dict] = {}
    with torch.enable_grad():
        for t, head in model.heads.items():
            target_module = model.trunk if layer == "trunk" else head.blocks[-1]
            captured = {}
            hook = target_module.register_forward_hook(lambda m, i, o: captured.__setitem__("a", o))
            try:
                x = frames.detach().clone().requires_grad_(True)  # makes every activation part of the graph
                logits = model(x)[t]
            finally:
                hook.remove()
            act = captured["a"]
            cls = logits.argmax(dim=1)
            score = logits.gather(1, cls[:, None]).sum()  # samples are independent (eval mode)
            (grad,) = torch.autograd.grad(score, act)
            weights = grad.mean(dim=(2, 3))
            cam = F.relu((weights[:, :, None, None] * act).sum(dim=1, keepdim=True)).detach()
            out[t] = {"heatmap": normalise_heatmap(cam, tuple(frames.shape[-2:])), "cam": cam[:, 0],
                      "class": cls.detach(), "probs": torch.softmax(logits, dim=1).detach()}
    return out


# ---------------------------------------------------------------------------------------------
# export


def gradcam_path(window_path: str) -> str:
    stem = window_path[:-5] if window_path.endswith(".onnx") else window_path
    return stem + ".gradcam.onnx"


def export_gradcam(model: AutoDVTNet, path: str, base_meta: Dict[str, object], layer: str = "trunk",
                   reference_input: Optional[torch.Tensor] = None, reference_input_file: Optional[str] = None,
                   source: Optional[dict] = None) -> dict:
    """Write the Grad-CAM graph (opset 17, dynamic batch) with metadata, and, given a reference input,
    `<stem>.reference.json` + `<stem>.reference.npy` (autograd heatmaps [B, 2, H, W]: landmark, vein)
    next to it. base_meta: the window model's metadata (values as in onnx_export.base_metadata or raw
    JSON strings)."""
    import hashlib
    import os

    import numpy as np

    from .onnx_export import OPSET, TOLERANCE, _export, _set_metadata

    model = model.cpu().eval()
    wrapper = GradCAMExport(model, layer).eval()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    dummy = torch.zeros(1, 1, 9, *FRAME_SIZE)
    _export(wrapper, (dummy,), path, ["frames"], OUTPUT_NAMES, {k: {0: "batch"} for k in ["frames"] + OUTPUT_NAMES})
    meta = dict(base_meta)
    meta["autodvt.mode"] = "gradcam"
    meta["autodvt.gradcam"] = {
        "layer": {"trunk": "last shared Conv3d block after BN+ReLU (64 x 1 x 10 x 10)",
                  "head": "last Conv2d block of each task branch after BN+ReLU (128 x 10 x 10)"}[layer],
        "layer_key": layer,
        "target": "predicted class of each head (argmax of logits); score = its logit",
        "outputs": {"saliency_landmark": "[batch, H, W] in [0, 1]", "saliency_vein": "[batch, H, W] in [0, 1]",
                    "saliency_landmark_class": "[batch] int64 class index", "saliency_vein_class": "[batch] int64 class index",
                    "landmark": "[batch, 3] softmax", "vein": "[batch, 2] softmax"},
        "upsample": "bilinear, align_corners=False, to the input size; then divided by its max",
        "frame": "newest frame of the window",
        **({"source": source} if source else {}),
    }
    meta["autodvt.input"] = {"name": "frames", "layout": "NCTHW", "frames": 9, "height": FRAME_SIZE[0],
                             "width": FRAME_SIZE[1]}
    _set_metadata(path, meta)
    info = {"path": path, "bytes": os.path.getsize(path), "layer": layer, "opset": OPSET}
    if reference_input is None:
        return info

    stem = path[:-5] if path.endswith(".onnx") else path
    x = reference_input.float()
    ag = gradcam_autograd(model, x, layer)
    with torch.no_grad():
        out = wrapper(x)
    explicit = {"landmark": out[2], "vein": out[3]}
    present = [t for t in TASKS if t in ag]
    diff = max(float((explicit[t] - ag[t]["heatmap"]).abs().max()) for t in present)
    heat = torch.stack([ag[t]["heatmap"] if t in ag else torch.zeros_like(x[:, 0, 0]) for t in TASKS], dim=1)
    np.save(stem + ".reference.npy", heat.numpy().astype(np.float32))
    with open(stem + ".reference.npy", "rb") as f:
        npy_sha = hashlib.sha256(f.read()).hexdigest()
    ref = {
        "model": os.path.basename(path),
        "model_id": meta.get("autodvt.model_id"),
        "layer": layer,
        "input": {"name": "frames", "file": reference_input_file, "shape": list(x.shape), "dtype": "float32",
                  "note": "the window model's reference input (already normalised)"},
        "heatmaps": {"file": os.path.basename(stem) + ".reference.npy", "shape": list(heat.shape),
                     "dtype": "float32", "axis1": list(TASKS), "sha256": npy_sha,
                     "how": "PyTorch autograd Grad-CAM (forward hook + torch.autograd.grad) on the network"},
        "classes": {t: ag[t]["class"].tolist() for t in present},
        "class_names": {t: list(TASK_CLASSES[t]) for t in TASKS},
        "probs": {t: ag[t]["probs"].tolist() for t in present},
        "cam": {t: ag[t]["cam"].tolist() for t in present},
        "relu_margin": relu_margin(model, x, layer),
        "margin_threshold": MARGIN,
        "parity_note": "ONNX Runtime must match these heatmaps within `tolerance` for every sample whose relu_margin >= margin_threshold (a smaller margin means a ReLU mask on the gradient path is within float rounding of flipping)",
        "explicit_vs_autograd_max_abs_diff": diff,
        "tolerance": TOLERANCE,
        "torch": torch.__version__,
    }
    with open(stem + ".reference.json", "w", encoding="utf-8") as f:
        json.dump(ref, f, indent=1)
    info.update({"reference": stem + ".reference.json", "explicit_vs_autograd_max_abs_diff": diff})
    return info
