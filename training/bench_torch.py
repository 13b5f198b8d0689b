#!/usr/bin/env python3
"""PyTorch eager throughput of the Table 1 network (the paper's comparison point), as JSON.

  /usr/bin/python3 training/bench_torch.py [--device cpu|cuda] [--seconds 3] [--train]

Measures, in eval mode with torch.no_grad() and fp32:
  window    stacks/s at batch 1 and 16 (9-frame input [B,1,9,150,150])
  streaming frames/s at batch 1 (one new frame + cached state per step)
  2d        stacks/s of the 2D ablation variant at batch 1 and 16
  --train   training samples/s (forward + backward + Adam step, batch 32) for 3d-dual and 2d-dual
"""
import argparse
import json
import os
import platform
import time

import _common  # noqa: F401

import torch


def timeit(fn, seconds: float, sync, min_iters: int = 3):
    for _ in range(2):
        fn()
    sync()
    n, t0 = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        if n >= min_iters and time.perf_counter() - t0 >= seconds:
            break
    sync()
    return (time.perf_counter() - t0) / n


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0 = all CPUs, os.cpu_count())")
    ap.add_argument("--batches", default="1,16")
    ap.add_argument("--train", action="store_true", help="also measure training samples/s")
    ap.add_argument("--tf32", action="store_true")
    ap.add_argument("--deterministic", action="store_true",
                    help="train measurement with deterministic algorithms (as train.py by default)")
    ap.add_argument("--train-variants", default="3d-dual,2d-dual")
    ap.add_argument("--train-batches", default="32", help="batch sizes for --train")
    a = ap.parse_args(argv)
    from autodvt.model import FRAME_SIZE, WINDOW, build_model
    from autodvt.streaming import StreamingAutoDVT, init_state

    torch.set_num_threads(a.threads or os.cpu_count() or 1)
    dev = torch.device(a.device)
    torch.backends.cudnn.allow_tf32 = a.tf32
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    if dev.type == "cuda":
        torch.backends.cudnn.benchmark = True
    sync = (lambda: torch.cuda.synchronize()) if dev.type == "cuda" else (lambda: None)
    torch.manual_seed(0)
    res = {"torch": torch.__version__, "device": a.device,
           "device_name": torch.cuda.get_device_name(0) if dev.type == "cuda" else cpu_name(),
           "threads": torch.get_num_threads(), "cpus": os.cpu_count(), "precision": "fp32" + ("+tf32" if a.tf32 else ""),
           "mode": "eager, eval, no_grad"}
    batches = [int(b) for b in a.batches.split(",")]
    for variant, key in (("3d-dual", "window"), ("2d-dual", "2d")):
        m = build_model(variant).to(dev).eval()
        res[key] = {}
        for b in batches:
            x = torch.randn(b, 1, WINDOW, *FRAME_SIZE, device=dev)
            with torch.no_grad():
                dt = timeit(lambda: m(x), a.seconds, sync)
            res[key][f"batch{b}"] = {"stacks_per_s": round(b / dt, 2), "ms_per_batch": round(dt * 1e3, 3)}
    m = build_model("3d-dual").to(dev).eval()
    sm = StreamingAutoDVT(m).eval()
    res["streaming"] = {}
    for b in batches:
        st = init_state(m, b, dev)
        fr = torch.randn(b, 1, 1, *FRAME_SIZE, device=dev)
        holder = {"s": st}

        def step():
            out = sm(fr, *holder["s"])
            holder["s"] = list(out[2:])

        with torch.no_grad():
            dt = timeit(step, a.seconds, sync)
        res["streaming"][f"batch{b}"] = {"frames_per_s": round(b / dt, 2), "ms_per_step": round(dt * 1e3, 3)}
    b1 = f"batch{batches[0]}"
    res["streaming_speedup_vs_window_batch1"] = round(
        res["streaming"][b1]["frames_per_s"] / res["window"][b1]["stacks_per_s"], 2)
    if a.train:
        res["train"] = {"deterministic": a.deterministic}
        if a.deterministic:
            torch.use_deterministic_algorithms(True, warn_only=True)
            torch.backends.cudnn.benchmark = False
            torch.backends.cudnn.deterministic = True
        for variant in a.train_variants.split(","):
            m = build_model(variant).to(dev).train()
            opt = torch.optim.Adam(m.parameters(), lr=1e-3, weight_decay=1e-5)
            for bs in [int(v) for v in a.train_batches.split(",")]:
                x = torch.randn(bs, 1, WINDOW, *FRAME_SIZE, device=dev)
                y3 = torch.randint(0, 3, (bs,), device=dev)
                y2 = torch.randint(0, 2, (bs,), device=dev)

                def tstep():
                    out = m(x)
                    loss = torch.nn.functional.cross_entropy(out["landmark"], y3) + \
                        torch.nn.functional.cross_entropy(out["vein"], y2)
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    opt.step()

                dt = timeit(tstep, a.seconds, sync)
                res["train"][f"{variant}-batch{bs}"] = {"samples_per_s": round(bs / dt, 1), "batch": bs}
    print(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
