#!/usr/bin/env python3
"""Train and evaluate the six Table 2 configurations and write the table (docs/ablation.md).

Rows (the paper's Table 2 ablation: 2D vs 3D "+Temp.", single vs dual task, +Aug):
  1 Single-task            2d-single-landmark + 2d-single-vein   (one row: LM columns from the
  2 Dual-task              2d-dual                                landmark model, O/C from the vein model)
  3 Dual-task + Aug        2d-dual-aug
  4 Single-task + Temp     3d-single-landmark + 3d-single-vein
  5 Dual-task + Temp       3d-dual
  6 Dual-task + Aug + Temp 3d-dual-aug                            (the shipped configuration)
Every run uses the same seed, epochs, windows per epoch and batch size; metrics are on the
test split (held-out subjects), the model from the best validation epoch.

  /usr/bin/python3 training/ablation.py --data DATA --out-dir OUT/ablation --epochs 20 --md docs/ablation.md
  /usr/bin/python3 training/ablation.py --from-json OUT/ablation/ablation.json --md docs/ablation.md
  /usr/bin/python3 training/ablation.py --from-json SEED0/ablation.json SEED1/ablation.json ... --md docs/ablation.md

With several ablation.json (the same data and settings, different seeds), the table gives the
mean over seeds with each seed's O/C beside it, and the ordering sentence compares means.
Everything in the existing markdown file from the line NOTES_MARKER on is kept when the table
is rewritten (hand-written reading notes live there).
"""
import argparse
import datetime
import json
import os
import platform
import sys
import time

import _common  # noqa: F401

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROWS = [
    ("Single-task", ["2d-single-landmark", "2d-single-vein"]),
    ("Dual-task", ["2d-dual"]),
    ("Dual-task + Aug", ["2d-dual-aug"]),
    ("Single-task + Temp", ["3d-single-landmark", "3d-single-vein"]),
    ("Dual-task + Temp", ["3d-dual"]),
    ("Dual-task + Aug + Temp", ["3d-dual-aug"]),
]
PAPER_LAST_ROW = {"O/C": 0.91, "LM1": 0.76, "LM2": 0.60, "BG": 0.97}
NOTES_MARKER = "<!-- notes: everything from this line on is kept when ablation.py rewrites the table -->"
COLS = ("O/C", "LM1", "LM2", "BG")


def run_all(a) -> dict:
    import torch

    from autodvt.data import data_fingerprint, load_index, load_split
    from autodvt.onnx_export import model_id, save_checkpoint
    from autodvt.trainer import Trainer, compact_metrics, pick_device

    os.makedirs(a.out_dir, exist_ok=True)
    dev = pick_device(a.device)
    index = load_index(a.data)
    splits = {s: load_split(a.data, s, index).to(dev) for s in ("train", "val", "test")}
    fp = data_fingerprint(a.data)
    runs = {}
    for _, variants in ROWS:
        for v in variants:
            if a.only and v not in a.only:
                continue
            stem = os.path.join(a.out_dir, v)
            if a.reuse and os.path.exists(stem + ".metrics.json"):
                with open(stem + ".metrics.json", encoding="utf-8") as f:
                    runs[v] = json.load(f)
                print(f"[ablation] reuse {stem}.metrics.json", flush=True)
                continue
            tr = Trainer(a.data, v, log_path=stem + ".train-log.jsonl", device=a.device, splits=splits,
                         fingerprint=fp, epochs=a.epochs, batch=a.batch, seed=a.seed,
                         windows_per_epoch=a.windows_per_epoch, max_val_windows=a.max_val_windows,
                         max_steps=a.max_steps, tf32=a.tf32,
                         cudnn_benchmark=a.cudnn_benchmark)
            res = tr.run()
            save_checkpoint(stem + ".pt", res["model"], res["norm"], res["training"], res["metrics"])
            rec = {"variant": v, "model_id": model_id(res["model"]), "training": res["training"],
                   "test": res["metrics"]["test"], "val": res["metrics"]["val"]}
            with open(stem + ".metrics.json", "w", encoding="utf-8") as f:
                json.dump(rec, f, indent=1)
            runs[v] = rec
            if dev.type == "cuda":
                torch.cuda.empty_cache()
    first = next(iter(runs.values()))
    return {
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "settings": {"epochs": a.epochs, "windows_per_epoch": a.windows_per_epoch, "batch": a.batch, "seed": a.seed,
                     "max_val_windows": a.max_val_windows, "max_steps": a.max_steps,
                     "deterministic": not a.cudnn_benchmark},
        "device": first["training"]["device"], "torch": first["training"]["torch"],
        "host": platform.node() and platform.platform(),
        "data": first["training"]["data"],
        "runs": runs,
    }


def table_rows(summary: dict):
    rows = []
    for i, (name, variants) in enumerate(ROWS, 1):
        have = [summary["runs"].get(v) for v in variants]
        if not all(have):
            continue
        vals = {}
        for r in have:
            t2 = (r.get("test") or {}).get("table2") or {}
            for c in COLS:
                if c in t2:
                    vals[c] = t2[c]
        epochs = "+".join(str(r["training"]["epochs_run"]) for r in have)
        best = "+".join(str(r["training"]["best_epoch"] + 1) for r in have)
        secs = sum(float(r["training"]["train_seconds"]) for r in have)
        rows.append({"row": i, "name": name, "variants": variants, **vals, "epochs": epochs, "best_epoch": best,
                     "train_seconds": secs, "params": "+".join(f"{r['training']['params']:,}" for r in have)})
    return rows


def markdown(summary: dict) -> str:
    rows = table_rows(summary)
    d = summary["data"]
    s = summary["settings"]
    L = ["# Ablation (the paper's Table 2 layout)", "",
         "Generated by `training/ablation.py` -- do not edit by hand. Research software, not a medical device.", "",
         f"- Data: `{json.dumps(d.get('generator')) if d.get('generator') else 'dataset folder'}`, sha256 `{d['sha256'][:16]}…`; windows "
         f"train/val/test = {d['windows'].get('train')}/{d['windows'].get('val')}/{d['windows'].get('test')}; "
         f"subjects " + "/".join(str(d['counts'].get(k, {}).get('subjects', 0)) for k in ('train', 'val', 'test')) + ".",
         f"- Settings (every row): {s['epochs']} epochs x {s['windows_per_epoch'] or 'all'} windows, batch {s['batch']}, "
         f"seed {s['seed']}, Adam lr 1e-3 betas (0.9, 0.999) wd 1e-5, ExponentialLR gamma 0.95/epoch, fp32; "
         f"model from the best validation epoch. Device: {summary['device']}, torch {summary['torch']}.",
         "- Metrics: F1 on the test split (held-out subjects), 9-frame windows labelled by their newest frame; "
         "O/C = mean of the open and closed F1. Single-task rows combine a landmark-only and a vein-only model.",
         "- 2D rows: Conv2d trunk on the newest frame, channels 46/46/92/92 (parameter count within 1 % of 3D); "
         "+Temp = the Table 1 Conv3d trunk over 9 frames.", "",
         "| # | configuration | O/C | LM1 | LM2 | BG | epochs (best) | training time | parameters |",
         "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        f = lambda c: f"{r[c]:.3f}" if c in r else "–"
        L.append(f"| {r['row']} | {r['name']} (`{'`, `'.join(r['variants'])}`) | {f('O/C')} | {f('LM1')} | {f('LM2')} | "
                 f"{f('BG')} | {r['epochs']} ({r['best_epoch']}) | {r['train_seconds']:.0f} s | {r['params']} |")
    L.append(f"| paper | Dual-task + Aug + Temp (real data) | {PAPER_LAST_ROW['O/C']:.2f} | {PAPER_LAST_ROW['LM1']:.2f} | "
             f"{PAPER_LAST_ROW['LM2']:.2f} | {PAPER_LAST_ROW['BG']:.2f} | 50 | – | – |")
    L.append("")
    oc = [(r["O/C"], r["name"]) for r in rows if "O/C" in r]
    if oc:
        top = max(v for v, _ in oc)
        winners = [n for v, n in oc if v == top]
        ours = next((r.get("O/C") for r in rows if r["name"] == "Dual-task + Aug + Temp"), None)
        if ours is not None and ours == top:
            held = "held" + (" (tied with " + ", ".join(w for w in winners if w != "Dual-task + Aug + Temp") + ")"
                             if len(winners) > 1 else "")
        else:
            held = "did not hold"
        L.append(f"The paper's ordering (Dual-task + Aug + Temp best on O/C) {held} here: the best O/C F1 is "
                 f"{top:.3f} ({', '.join(winners)})" + (f"; Dual-task + Aug + Temp reached {ours:.3f}." if ours is not None else "."))
        L.append("")
    L.append(f"Generated {summary['generated']}.")
    return "\n".join(L) + "\n"


def markdown_seeds(summaries: list) -> str:
    """The table as the mean over runs that differ only in their seed, each seed's O/C beside it."""
    if len(summaries) == 1:
        return markdown(summaries[0])
    first = summaries[0]
    for other in summaries[1:]:
        if other["data"]["sha256"] != first["data"]["sha256"]:
            raise ValueError("the ablation runs were trained on different data; compare runs on one data set")
        for key in ("epochs", "windows_per_epoch", "batch"):
            if other["settings"].get(key) != first["settings"].get(key):
                raise ValueError(f"the ablation runs differ in {key}: {first['settings'].get(key)} vs {other['settings'].get(key)}")
    seeds = [x["settings"]["seed"] for x in summaries]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"two ablation runs have the same seed ({seeds}); pass each seed once")
    per_seed = [{r["row"]: r for r in table_rows(x)} for x in summaries]
    rows = [r for r in table_rows(first) if all(r["row"] in p for p in per_seed)]
    d, st = first["data"], first["settings"]
    n = len(summaries)
    L = ["# Ablation (the paper's Table 2 layout)", "",
         "Generated by `training/ablation.py` -- do not edit the table by hand. Research software, not a medical device.", "",
         f"- Data: sha256 `{d['sha256'][:16]}…`; windows train/val/test = {d['windows'].get('train')}/{d['windows'].get('val')}/"
         f"{d['windows'].get('test')}; subjects " + "/".join(str(d['counts'].get(k, {}).get('subjects', 0)) for k in ('train', 'val', 'test')) + ".",
         f"- Settings (every row, every seed): {st['epochs']} epochs x {st['windows_per_epoch'] or 'all'} windows, batch {st['batch']}, "
         f"seeds {', '.join(str(x) for x in seeds)}, Adam lr 1e-3 betas (0.9, 0.999) wd 1e-5, ExponentialLR gamma 0.95/epoch, fp32; "
         f"model from the best validation epoch. Device: {first['device']}, torch {first['torch']}.",
         "- Metrics: F1 on the test split (held-out subjects), 9-frame windows labelled by their newest frame; "
         "O/C = mean of the open and closed F1. Single-task rows combine a landmark-only and a vein-only model.",
         "- 2D rows: Conv2d trunk on the newest frame, channels 46/46/92/92 (parameter count within 1 % of 3D); "
         "+Temp = the Table 1 Conv3d trunk over 9 frames.",
         f"- Each cell is the mean over the {n} seeds; the O/C column also lists each seed's value (seed {', '.join(str(x) for x in seeds)}). "
         "Training time is the mean per seed.", "",
         "| # | configuration | O/C mean (per seed) | LM1 | LM2 | BG | epochs (best, per seed) | training time | parameters |",
         "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    means = []
    for r in rows:
        runs = [p[r["row"]] for p in per_seed]
        mean = {c: sum(x[c] for x in runs) / n for c in COLS if all(c in x for x in runs)}
        means.append((r, mean, runs))
        f = lambda c: f"{mean[c]:.3f}" if c in mean else "–"
        seed_oc = " / ".join(f"{x['O/C']:.3f}" for x in runs) if "O/C" in mean else ""
        oc = f"{f('O/C')} ({seed_oc})" if "O/C" in mean else "–"
        best = " / ".join(x["best_epoch"] for x in runs)
        secs = sum(x["train_seconds"] for x in runs) / n
        L.append(f"| {r['row']} | {r['name']} (`{'`, `'.join(r['variants'])}`) | {oc} | {f('LM1')} | {f('LM2')} | {f('BG')} | "
                 f"{r['epochs']} ({best}) | {secs:.0f} s | {r['params']} |")
    L.append(f"| paper | Dual-task + Aug + Temp (real data) | {PAPER_LAST_ROW['O/C']:.2f} | {PAPER_LAST_ROW['LM1']:.2f} | "
             f"{PAPER_LAST_ROW['LM2']:.2f} | {PAPER_LAST_ROW['BG']:.2f} | 50 | – | – |")
    L.append("")
    oc = [(m["O/C"], r["name"], [x["O/C"] for x in runs]) for r, m, runs in means if "O/C" in m]
    if oc:
        top, top_name, top_runs = max(oc, key=lambda t: t[0])
        ours = next(((v, runs) for v, name, runs in oc if name == "Dual-task + Aug + Temp"), None)
        if ours is not None and top_name == "Dual-task + Aug + Temp":
            L.append(f"The paper's ordering (Dual-task + Aug + Temp best on O/C) held here: mean O/C F1 {top:.3f} over {n} seeds.")
        elif ours is not None:
            apart = min(top_runs) > max(ours[1])
            L.append(f"The paper's ordering (Dual-task + Aug + Temp best on O/C) did not hold here: the best mean O/C F1 is "
                     f"{top:.3f} ({top_name}); Dual-task + Aug + Temp reached {ours[0]:.3f}. "
                     + ("Every seed of the winner is above every seed of Dual-task + Aug + Temp."
                        if apart else "The seed ranges overlap, so the order of these two is within seed noise."))
        L.append("")
    L.append(f"Generated {max(x['generated'] for x in summaries)}.")
    return "\n".join(L) + "\n"


def keep_notes(md: str, path: str) -> str:
    """md plus the hand-written notes of the file at path (from NOTES_MARKER on), if it has any."""
    if not os.path.exists(path):
        return md
    with open(path, encoding="utf-8") as f:
        old = f.read()
    at = old.find(NOTES_MARKER)
    return md if at < 0 else md + "\n" + old[at:]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data")
    ap.add_argument("--out-dir", default="out/ablation", help="checkpoints, logs, per-run metrics, ablation.json")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--windows-per-epoch", type=int, default=0)
    ap.add_argument("--max-val-windows", type=int, default=0)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--tf32", action="store_true")
    ap.add_argument("--cudnn-benchmark", action="store_true", help="fast non-deterministic cuDNN algorithms (see train.py)")
    ap.add_argument("--only", nargs="*", help="train only these variants")
    ap.add_argument("--reuse", action="store_true", help="reuse <out-dir>/<variant>.metrics.json when present")
    ap.add_argument("--md", default=os.path.join(REPO, "docs", "ablation.md"), help="markdown output ('' = none)")
    ap.add_argument("--from-json", nargs="+", help="only re-render the markdown from ablation.json files (several: one per seed)")
    a = ap.parse_args(argv)
    if a.from_json:
        summaries = []
        for path in a.from_json:
            with open(path, encoding="utf-8") as f:
                summaries.append(json.load(f))
        md = markdown_seeds(summaries)
    else:
        if not a.data:
            ap.error("--data is required (or --from-json)")
        t0 = time.time()
        summary = run_all(a)
        summary["wall_seconds"] = round(time.time() - t0, 1)
        with open(os.path.join(a.out_dir, "ablation.json"), "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
        md = markdown(summary)
    if a.md:
        os.makedirs(os.path.dirname(os.path.abspath(a.md)), exist_ok=True)
        md = keep_notes(md, a.md)
        with open(a.md, "w", encoding="utf-8") as f:
            f.write(md)
    print(md)


if __name__ == "__main__":
    main()
