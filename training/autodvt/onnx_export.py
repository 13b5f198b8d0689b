"""ONNX export of the window model and the streaming model, with metadata and reference I/O.

Window model  (<name>.onnx):            frames [B,1,9,150,150] -> landmark [B,3], vein [B,2]
Streaming     (<name>.streaming.onnx):  frame [B,1,1,150,150], state_in_0..7
                                        -> landmark, vein, state_out_0..7
Both outputs are softmax probabilities (landmark: BG, LM1, LM2; vein: open, closed).
Both 3D trunks are written as 2D convolutions over time slices, BatchNorm folded (time_fold.py;
export_window(fold_time=False) writes the Conv3d trunk as before, export_streaming(form="stacked")
the earlier streaming form with 4 state tensors).
A single-task model still has both outputs; the head it lacks outputs uniform
probabilities, and `autodvt.tasks` lists the heads that are real.

Works with torch 1.13 (TorchScript exporter) and torch 2.x (dynamo=False is passed
where the keyword exists, so the same exporter is used).
"""
from __future__ import annotations

import hashlib
import inspect
import io
import json
import os
from typing import Dict, List, Optional

import numpy as np
import torch
from torch import nn

from .model import FRAME_SIZE, LANDMARK_CLASSES, TASK_CLASSES, TASKS, VEIN_CLASSES, WINDOW, AutoDVTNet
from .streaming import DEFAULT_FORM, StreamingAutoDVT, init_state, run_stream, state_layout, state_shapes
from .time_fold import TimeFoldedTrunk

OPSET = 17
TOLERANCE = 1e-4


class WindowExport(nn.Module):
    """frames [B, 1, 9, H, W] -> (landmark [B, 3], vein [B, 2]) softmax probabilities.

    fold_time (3D models; ignored for 2D): the trunk runs as per-tap Conv2d with BatchNorm folded
    (time_fold.TimeFoldedTrunk, a copy of the weights taken now: for export, not training), the form
    ONNX Runtime runs fastest. False runs the model's own Conv3d trunk."""

    def __init__(self, model: AutoDVTNet, fold_time: bool = False):
        super().__init__()
        self.model = model
        self.trunk = TimeFoldedTrunk(model.trunk) if fold_time and model.variant.dims == 3 else None

    def forward(self, frames):
        if self.trunk is None:
            logits = self.model(frames)
        else:
            feat = self.trunk(frames)
            logits = {t: h(feat) for t, h in self.model.heads.items()}
        outs = []
        like = frames.flatten(1)
        for t in TASKS:
            if t in logits:
                outs.append(torch.softmax(logits[t], dim=1))
            else:
                n = len(TASK_CLASSES[t])
                outs.append(torch.ones_like(like[:, :n]) / n)
        return outs[0], outs[1]


def weights_hash(model: nn.Module) -> str:
    h = hashlib.sha256()
    for k, v in sorted(model.state_dict().items()):
        h.update(k.encode())
        h.update(v.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def model_id(model: AutoDVTNet) -> str:
    return f"autodvt-{model.variant.name}@{weights_hash(model)[:12]}"


def _export(module, args, path, input_names, output_names, dynamic_axes):
    kw = dict(export_params=True, opset_version=OPSET, do_constant_folding=True,
              input_names=input_names, output_names=output_names, dynamic_axes=dynamic_axes)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kw["dynamo"] = False
    if hasattr(torch.onnx, "TrainingMode"):
        kw["training"] = torch.onnx.TrainingMode.EVAL
    with torch.no_grad():
        torch.onnx.export(module, args, path, **kw)


def _set_metadata(path: str, meta: Dict[str, object]):
    import onnx

    m = onnx.load(path)
    del m.metadata_props[:]
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key = k
        p.value = v if isinstance(v, str) else json.dumps(v, sort_keys=True)
    m.doc_string = "AutoDVT (Tanno et al. Table 1 network). Research software, not a medical device."
    onnx.checker.check_model(m)
    onnx.save(m, path)


def base_metadata(model: AutoDVTNet, norm: Dict[str, float], training: Optional[dict],
                  metrics: Optional[dict]) -> Dict[str, object]:
    return {
        "autodvt.model_id": model_id(model),
        "autodvt.variant": model.variant.name,
        "autodvt.tasks": list(model.variant.tasks),
        "autodvt.classes.landmark": list(LANDMARK_CLASSES),
        "autodvt.classes.vein": list(VEIN_CLASSES),
        "autodvt.normalization": {"scale": 1.0 / 255.0, "mean": float(norm["mean"]), "std": float(norm["std"])},
        "autodvt.training": training or {},
        "autodvt.metrics": metrics or {},
        "autodvt.torch": torch.__version__,
    }


def _ort_session(path):
    try:
        import onnxruntime as ort  # present on the GPU machine, not in Debian here
    except Exception:
        return None
    return ort.InferenceSession(path, providers=["CPUExecutionProvider"])


def reference_input(batch: int, frames: int, seed: int, norm: Dict[str, float],
                    pixels_u8: Optional[torch.Tensor] = None) -> torch.Tensor:
    """float32 [batch, 1, frames, 150, 150]: given uint8 pixels [batch, frames, H, W] or seeded random ones."""
    if pixels_u8 is None:
        g = torch.Generator().manual_seed(seed)
        pixels_u8 = torch.randint(0, 256, (batch, frames, *FRAME_SIZE), generator=g, dtype=torch.int64).to(torch.uint8)
    x = (pixels_u8.float() * (1.0 / 255.0) - float(norm["mean"])) / float(norm["std"])
    return x.unsqueeze(1).contiguous()


def export_window(model: AutoDVTNet, path: str, norm: Dict[str, float], training: Optional[dict] = None,
                  metrics: Optional[dict] = None, ref_pixels: Optional[torch.Tensor] = None,
                  ref_seed: int = 1234, fold_time: bool = True) -> dict:
    """fold_time: write the 3D trunk as per-tap Conv2d (see WindowExport); the reference outputs come
    from the model's own Conv3d trunk either way."""
    model = model.cpu().eval()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    wrapper = WindowExport(model).eval()
    exported = WindowExport(model, fold_time=fold_time).eval()
    dummy = torch.zeros(1, 1, WINDOW, *FRAME_SIZE)
    _export(exported, (dummy,), path, ["frames"], ["landmark", "vein"],
            {"frames": {0: "batch"}, "landmark": {0: "batch"}, "vein": {0: "batch"}})
    meta = base_metadata(model, norm, training, metrics)
    meta["autodvt.mode"] = "window"
    meta["autodvt.input"] = {"name": "frames", "layout": "NCTHW", "frames": WINDOW,
                             "height": FRAME_SIZE[0], "width": FRAME_SIZE[1]}
    _set_metadata(path, meta)

    stem = path[:-5] if path.endswith(".onnx") else path
    x = reference_input(2, WINDOW, ref_seed, norm, ref_pixels)
    with torch.no_grad():
        lm, vein = wrapper(x)
        elm, evein = exported(x)
    exported_diff = float(max((elm - lm).abs().max(), (evein - vein).abs().max()))
    np.save(stem + ".reference.npy", x.numpy().astype(np.float32))
    ref = {
        "model": os.path.basename(path),
        "model_id": meta["autodvt.model_id"],
        "input": {"name": "frames", "file": os.path.basename(stem) + ".reference.npy",
                  "shape": list(x.shape), "dtype": "float32"},
        "outputs": {"landmark": lm.tolist(), "vein": vein.tolist()},
        "fold_time": exported.trunk is not None,
        "exported_vs_model_max_abs_diff": exported_diff,
        "tolerance": TOLERANCE,
        "torch": torch.__version__,
    }
    sess = _ort_session(path)
    if sess is not None:
        o = sess.run(None, {"frames": x.numpy()})
        ref["ort_python_max_abs_diff"] = float(max(np.abs(o[0] - lm.numpy()).max(), np.abs(o[1] - vein.numpy()).max()))
    with open(stem + ".reference.json", "w", encoding="utf-8") as f:
        json.dump(ref, f, indent=1)
    return {"path": path, "model_id": meta["autodvt.model_id"], "reference": stem + ".reference.json",
            "bytes": os.path.getsize(path), "fold_time": ref["fold_time"],
            "exported_vs_model_max_abs_diff": exported_diff, **({"ort_python_max_abs_diff": ref["ort_python_max_abs_diff"]}
                                               if "ort_python_max_abs_diff" in ref else {})}


def streaming_path(window_path: str) -> str:
    stem = window_path[:-5] if window_path.endswith(".onnx") else window_path
    return stem + ".streaming.onnx"


def export_streaming(model: AutoDVTNet, path: str, norm: Dict[str, float], training: Optional[dict] = None,
                     metrics: Optional[dict] = None, ref_pixels: Optional[torch.Tensor] = None,
                     ref_seed: int = 4321, steps: int = 12, form: str = DEFAULT_FORM) -> dict:
    """ref_pixels: optional uint8 [1, steps, H, W] clip for the reference sequence.
    form: "taps" (per-tap Conv2d, cached inputs or partial sums: the fastest in onnxruntime) or "stacked"
    (one Conv2d over the cached slices stacked as channels); see streaming.py. The state layout differs,
    and `autodvt.streaming` describes it. The reference outputs come from the same form (the warm-up
    outputs depend on it), the window outputs from the model's own Conv3d trunk."""
    model = model.cpu().eval()
    if model.variant.dims != 3:
        raise ValueError("streaming export needs a 3D model (a 2D model has no temporal state: "
                         "run the window model on the newest frame instead)")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    sm = StreamingAutoDVT(model, form).eval()
    shapes = state_shapes(model, 1, form)
    layout = state_layout(model, form)
    n = len(shapes)
    in_names = ["frame"] + [f"state_in_{i}" for i in range(n)]
    out_names = ["landmark", "vein"] + [f"state_out_{i}" for i in range(n)]
    dyn = {k: {0: "batch"} for k in in_names + out_names}
    _export(sm, (torch.zeros(1, 1, 1, *FRAME_SIZE), *init_state(model, 1, form=form)), path, in_names, out_names, dyn)
    meta = base_metadata(model, norm, training, metrics)
    meta["autodvt.mode"] = "streaming"
    meta["autodvt.input"] = {"name": "frame", "layout": "NCTHW", "frames": 1, "height": FRAME_SIZE[0],
                             "width": FRAME_SIZE[1], "window": WINDOW}
    meta["autodvt.streaming"] = {
        "frame": {"name": "frame", "shape": ["batch", 1, 1, FRAME_SIZE[0], FRAME_SIZE[1]]},
        "form": form,
        "state": [{"input": f"state_in_{i}", "output": f"state_out_{i}", "shape": ["batch"] + s[1:],
                   "dtype": "float32", "block": lay["block"], "holds": lay["holds"]}
                  for i, (s, lay) in enumerate(zip(shapes, layout))],
        "init": "zeros",
        "warmup_frames": WINDOW - 1,
        "note": "feed state_out_k back as state_in_k; from the 9th frame on the outputs equal the window model's on the last 9 frames",
    }
    _set_metadata(path, meta)

    stem = path[:-5] if path.endswith(".onnx") else path
    clip = reference_input(1, steps, ref_seed, norm, ref_pixels)  # [1, 1, S, H, W]
    slm, svein = run_stream(model, clip, form)
    wrapper = WindowExport(model).eval()
    wins = torch.stack([clip[0, :, t - WINDOW + 1:t + 1] for t in range(WINDOW - 1, steps)])
    with torch.no_grad():
        wlm, wvein = wrapper(wins)
    diff = float(max((slm[0, WINDOW - 1:] - wlm).abs().max(), (svein[0, WINDOW - 1:] - wvein).abs().max()))
    np.save(stem + ".reference.npy", clip.numpy().astype(np.float32))
    ref = {
        "model": os.path.basename(path),
        "model_id": meta["autodvt.model_id"],
        "input": {"name": "frame", "file": os.path.basename(stem) + ".reference.npy", "shape": list(clip.shape),
                  "dtype": "float32", "note": "feed clip[:, :, t:t+1] at step t, zero initial state"},
        "form": form,
        "state_shapes": [s for s in shapes],
        "warmup_frames": WINDOW - 1,
        "outputs": {"landmark": slm[0].tolist(), "vein": svein[0].tolist()},
        "window_outputs_from_step_8": {"landmark": wlm.tolist(), "vein": wvein.tolist()},
        "stream_vs_window_max_abs_diff": diff,
        "tolerance": TOLERANCE,
        "torch": torch.__version__,
    }
    sess = _ort_session(path)
    if sess is not None:
        st = [np.zeros(s, np.float32) for s in shapes]
        worst = 0.0
        for t in range(steps):
            o = sess.run(None, {"frame": clip[:, :, t:t + 1].numpy(), **{f"state_in_{i}": st[i] for i in range(n)}})
            st = o[2:]
            worst = max(worst, float(np.abs(o[0] - slm[0, t].numpy()).max()), float(np.abs(o[1] - svein[0, t].numpy()).max()))
        ref["ort_python_max_abs_diff"] = worst
    with open(stem + ".reference.json", "w", encoding="utf-8") as f:
        json.dump(ref, f, indent=1)
    return {"path": path, "model_id": meta["autodvt.model_id"], "reference": stem + ".reference.json",
            "form": form, "stream_vs_window_max_abs_diff": diff, "bytes": os.path.getsize(path)}


def save_checkpoint(path: str, model: AutoDVTNet, norm: dict, training: dict, metrics: dict):
    torch.save({"format": "autodvt-checkpoint", "version": 1, "variant": model.variant.name,
                "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
                "normalization": norm, "training": training, "metrics": metrics}, path)


def load_checkpoint(path: str):
    from .model import build_model

    kw = {"weights_only": False} if "weights_only" in inspect.signature(torch.load).parameters else {}
    ck = torch.load(path, map_location="cpu", **kw)
    model = build_model(ck["variant"])
    model.load_state_dict(ck["state_dict"])
    model.eval()
    return model, ck
