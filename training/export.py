#!/usr/bin/env python3
"""Export a checkpoint (<stem>.pt written by train.py) to ONNX with metadata and reference I/O.

  /usr/bin/python3 training/export.py --checkpoint models/autodvt.pt --out models/autodvt.onnx [--streaming]
  /usr/bin/python3 training/export.py --random --variant 3d-dual-aug --seed 0 --out models/test/tiny-random.onnx

--data DIR takes the reference inputs from that dataset's test split (else seeded random pixels).
"""
import argparse
import json

import _common  # noqa: F401
from _common import stem_of

import torch


def randomised_model(variant: str, seed: int):
    """Table 1 net with seeded random weights AND non-trivial BatchNorm statistics (calibrated on
    random input) plus larger classifier weights, so that outputs are far from uniform and a
    parity test means something."""
    from autodvt.model import FRAME_SIZE, WINDOW, build_model

    torch.manual_seed(seed)
    m = build_model(variant)
    g = torch.Generator().manual_seed(seed + 1)
    for mod in m.modules():
        if isinstance(mod, (torch.nn.BatchNorm2d, torch.nn.BatchNorm3d)):
            mod.momentum = None  # cumulative average over the calibration batches
            mod.reset_running_stats()
            with torch.no_grad():
                mod.weight.copy_(0.5 + torch.rand(mod.weight.shape, generator=g))
                mod.bias.copy_(0.2 * torch.randn(mod.bias.shape, generator=g))
    m.train()
    with torch.no_grad():
        for _ in range(3):
            m(torch.randn(4, 1, WINDOW, *FRAME_SIZE, generator=g) * 1.5)
        for h in m.heads.values():
            h.fc.weight.mul_(8.0)
    m.eval()
    return m


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", help="<stem>.pt from train.py")
    ap.add_argument("--random", action="store_true", help="export a seeded random-init model (test fixture)")
    ap.add_argument("--variant", default="3d-dual-aug")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mean", type=float, default=0.5, help="normalisation mean for --random")
    ap.add_argument("--std", type=float, default=0.25, help="normalisation std for --random")
    ap.add_argument("--out", required=True)
    ap.add_argument("--streaming", action="store_true", help="also write <stem>.streaming.onnx (3D only)")
    ap.add_argument("--no-window", action="store_true", help="skip the window model")
    ap.add_argument("--data", help="dataset folder: reference inputs from its test split")
    a = ap.parse_args(argv)

    from autodvt.onnx_export import export_streaming, export_window, load_checkpoint
    from autodvt.trainer import compact_metrics

    if a.random:
        model = randomised_model(a.variant, a.seed)
        norm = {"mean": a.mean, "std": a.std}
        training = {"variant": model.variant.name, "random_init": True, "seed": a.seed,
                    "note": "seeded random weights with calibrated BatchNorm statistics; NOT trained; test fixture only",
                    "torch": torch.__version__}
        metrics = {}
    elif a.checkpoint:
        model, ck = load_checkpoint(a.checkpoint)
        norm, training = ck["normalization"], ck["training"]
        metrics = compact_metrics(ck.get("metrics") or {})
    else:
        ap.error("give --checkpoint or --random")
    ref_win = ref_clip = None
    if a.data:
        from autodvt.data import load_split
        t = load_split(a.data, "test")
        if len(t) >= 2:
            e = t.ends
            ref_win = t.windows(e[[len(e) // 3, (2 * len(e)) // 3]])
            s = int(e[len(e) // 3]) - 8
            if s + 12 <= t.frames.shape[0]:
                ref_clip = t.frames[s:s + 12].unsqueeze(0)
    stem = stem_of(a.out)
    info = {}
    if not a.no_window:
        info["window"] = export_window(model, stem + ".onnx", norm, training, metrics, ref_win)
    if a.streaming:
        info["streaming"] = export_streaming(model, stem + ".streaming.onnx", norm, training, metrics, ref_clip)
    print(json.dumps(info, indent=1))
    return info


if __name__ == "__main__":
    main()
