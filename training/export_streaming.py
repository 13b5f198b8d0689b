#!/usr/bin/env python3
"""Export the streaming (continual) variant of a trained 3D model: <stem>.streaming.onnx.

  /usr/bin/python3 training/export_streaming.py --checkpoint models/autodvt.pt --out models/autodvt.onnx

Inputs:  frame [B,1,1,150,150] (normalised like the window model), state_in_0..7 (zeros at start)
Outputs: landmark [B,3], vein [B,2] (softmax), state_out_0..7 (feed back as state_in_k)
State shapes are in the model's `autodvt.streaming` metadata. From the 9th frame on the outputs
equal the window model's on the last 9 frames (checked here and recorded in the reference JSON).
Also prints the multiply-adds per frame of window and streaming mode (--macs prints only those).
"""
import argparse
import json
import sys

import _common  # noqa: F401
from _common import stem_of


def macs_report(variant: str = "3d-dual-aug") -> dict:
    from autodvt.model import build_model, window_macs
    from autodvt.streaming import streaming_macs

    m = build_model(variant)
    w, s = window_macs(m), streaming_macs(m)
    trunk_w = sum(v for k, v in w.items() if "trunk" in k)
    trunk_s = sum(v for k, v in s.items() if "trunk" in k)
    return {
        "variant": m.variant.name,
        "convention": "multiply-adds (MACs) of conv + linear layers, BN folded, elementwise ops not counted; FLOPs ~= 2 x MACs",
        "window_macs_per_stack": w["total"],
        "window_macs_trunk": trunk_w,
        "streaming_macs_per_frame": s["total"],
        "streaming_macs_trunk": trunk_s,
        "heads_macs": w["total"] - trunk_w,
        "ratio": round(w["total"] / s["total"], 3),
        "per_layer_window": {k: v for k, v in w.items() if k != "total"},
        "per_layer_streaming": {k.replace("model.", ""): v for k, v in s.items() if k != "total"},
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", help="<stem>.pt from train.py")
    ap.add_argument("--out", help="window model path; writes <stem>.streaming.onnx next to it")
    ap.add_argument("--data", help="dataset folder: reference clip from its test split")
    ap.add_argument("--macs", action="store_true", help="only print the multiply-add counts")
    ap.add_argument("--variant", default="3d-dual-aug", help="variant for --macs")
    a = ap.parse_args(argv)
    if a.macs:
        print(json.dumps(macs_report(a.variant), indent=1))
        return
    if not a.checkpoint or not a.out:
        ap.error("give --checkpoint and --out (or --macs)")
    import export

    args = ["--checkpoint", a.checkpoint, "--out", a.out, "--streaming", "--no-window"]
    if a.data:
        args += ["--data", a.data]
    info = export.main(args)
    info["macs"] = {k: v for k, v in macs_report(info["streaming"]["model_id"].split("@")[0][len("autodvt-"):]).items()
                    if not k.startswith("per_layer")}
    print(json.dumps(info["macs"], indent=1))


if __name__ == "__main__":
    main()
