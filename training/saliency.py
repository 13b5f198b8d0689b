#!/usr/bin/env python3
"""Export the Grad-CAM graph of a window model (see autodvt/gradcam.py and docs/saliency.md).

  /usr/bin/python3 training/saliency.py --onnx models/autodvt.onnx                 # -> models/autodvt.gradcam.onnx
  /usr/bin/python3 training/saliency.py --onnx models/test/tiny-random.onnx
  /usr/bin/python3 training/saliency.py --checkpoint models/NAME.pt --out models/NAME.gradcam.onnx

--onnx rebuilds the network from the window model's initializers (BN folded), checks it reproduces
<stem>.reference.json within 1e-5, and reuses <stem>.reference.npy as the reference input: the
autograd heatmaps go to <stem>.gradcam.reference.{json,npy}. --layer head explains the last Conv2d
of each branch instead of the last shared Conv3d block (trunk, the default).
"""
import argparse
import hashlib
import json
import os

import _common  # noqa: F401
from _common import stem_of

import numpy as np
import torch


def draw_figure(model, x, norm, path):
    """Rows: reference windows; columns: newest frame, then landmark / vein maps at the head and trunk layers."""
    from PIL import Image, ImageDraw

    from autodvt.gradcam import LAYERS, gradcam_autograd
    from autodvt.model import TASK_CLASSES, TASKS

    def jet(v):
        return np.stack([np.clip(1.5 - np.abs(4 * v - k), 0, 1) for k in (3, 2, 1)], -1)

    rows = []
    labels = []
    for b in range(x.shape[0]):
        gray = np.repeat((x[b, 0, -1].numpy() * norm["std"] + norm["mean"]).clip(0, 1)[..., None], 3, -1)
        tiles, names = [gray], ["newest frame"]
        for layer in LAYERS:
            ag = gradcam_autograd(model, x[b:b + 1], layer)
            for t in TASKS:
                if t not in ag:
                    continue
                tiles.append(0.6 * gray + 0.4 * jet(ag[t]["heatmap"][0].numpy()))
                names.append(f"{layer}: {TASK_CLASSES[t][int(ag[t]['class'][0])]}")
        rows.append(np.concatenate(tiles, 1))
        labels.append(names)
    img = Image.fromarray((np.concatenate(rows, 0) * 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    h, w = x.shape[-2:]
    for r, names in enumerate(labels):
        for c, name in enumerate(names):
            d.text((c * w + 3, r * h + 2), name, fill=(255, 255, 255))
    img.convert("P", palette=Image.ADAPTIVE, colors=128).save(path, optimize=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx", help="window model (.onnx) to explain")
    ap.add_argument("--checkpoint", help="<stem>.pt from train.py")
    ap.add_argument("--out", help="output path (default <stem>.gradcam.onnx)")
    ap.add_argument("--layer", choices=["trunk", "head"], default="trunk")
    ap.add_argument("--no-reference", action="store_true", help="skip the reference heatmaps")
    ap.add_argument("--figure", help="also draw the reference windows' newest frames with both heads' maps at both "
                                     "layers (PNG; needs PIL), e.g. docs/saliency.png")
    a = ap.parse_args(argv)

    from autodvt.gradcam import export_gradcam, gradcam_path, load_onnx_model

    ref_x = ref_file = None
    source = None
    if a.onnx:
        model, raw = load_onnx_model(a.onnx)
        meta = {k: v for k, v in raw.items()}  # raw JSON strings are written back as they are
        stem = stem_of(a.onnx)
        with open(a.onnx, "rb") as f:
            source = {"file": os.path.basename(a.onnx), "sha256": hashlib.sha256(f.read()).hexdigest()[:12],
                      "weights": "ONNX initializers (BN folded)"}
        if os.path.exists(stem + ".reference.json") and not a.no_reference:
            ref = json.load(open(stem + ".reference.json", encoding="utf-8"))
            ref_file = ref["input"]["file"]
            ref_x = torch.from_numpy(np.load(os.path.join(os.path.dirname(a.onnx), ref_file)))
            with torch.no_grad():
                out = model(ref_x)
            worst = max(float((torch.softmax(out[t], 1) - torch.tensor(ref["outputs"][t])).abs().max())
                        for t in model.heads)
            if worst > 1e-5:
                raise SystemExit(f"{a.onnx}: rebuilt network differs from its reference by {worst:g}")
            source["rebuilt_vs_reference_max_abs_diff"] = worst
        out_path = a.out or gradcam_path(a.onnx)
    elif a.checkpoint:
        from autodvt.onnx_export import base_metadata, load_checkpoint, model_id, reference_input
        from autodvt.trainer import compact_metrics

        model, ck = load_checkpoint(a.checkpoint)
        meta = base_metadata(model, ck["normalization"], ck["training"], compact_metrics(ck.get("metrics") or {}))
        source = {"file": os.path.basename(a.checkpoint), "model_id": model_id(model), "weights": "checkpoint"}
        if not a.no_reference:
            ref_x = reference_input(2, 9, 1234, ck["normalization"])
            out_path0 = a.out or gradcam_path(stem_of(a.checkpoint) + ".onnx")
            ref_file = os.path.basename(stem_of(out_path0)) + ".input.npy"
            np.save(os.path.join(os.path.dirname(out_path0) or ".", ref_file), ref_x.numpy().astype(np.float32))
        out_path = a.out or gradcam_path(stem_of(a.checkpoint) + ".onnx")
    else:
        ap.error("give --onnx or --checkpoint")
    info = export_gradcam(model, out_path, meta, a.layer, ref_x, ref_file, source)
    if a.figure and ref_x is not None:
        norm = meta["autodvt.normalization"]
        draw_figure(model, ref_x, json.loads(norm) if isinstance(norm, str) else norm, a.figure)
        info["figure"] = a.figure
    print(json.dumps(info, indent=1))
    return info


if __name__ == "__main__":
    main()
