"""Fit the in-distribution score of an exported AutoDVT model and write it into every form.

  /usr/bin/python3 training/fit_in_distribution.py --model models/autodvt.onnx --data DATASET

DATASET is a folder written by the `dataset` sink (`pipelines/phantom-dataset.yaml`), so the
windows went through the pipeline's own preprocessing. The score (docs/training-runs/
2026-12-07-in-distribution-rule.md, models/README.md "In-distribution score"):

- features: the two pooled penultimate vectors (inputs of the landmark and vein linear
  layers), concatenated (256 values);
- Mahalanobis distance with one mean per landmark class (BG, LM1, LM2) and one shared
  covariance, shrunk towards its average variance; the score is the smallest distance
  over the classes (higher = less like the training data);
- fitted on the dataset's `train` split; the threshold is a percentile of the scores of
  the `val` split (held-out subjects); the `test` split is scored and reported.

The score is computed inside the graphs: every form found beside the model (window,
`.streaming.onnx`, `.gradcam.onnx`) gets an output `in_distribution` [batch] and the
metadata `autodvt.in_distribution` (threshold, recipe, data, held-out rates). Running it
again replaces what an earlier run added. The `*.reference.json` files get the expected
`in_distribution` of their reference input, which test/stages/onnx-inference checks in
onnxruntime-node.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Tuple

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

OUTPUT = "in_distribution"
PREFIX = "in_distribution/"
META_KEY = "autodvt.in_distribution"
FORM_SUFFIXES = {"window": ".onnx", "streaming": ".streaming.onnx", "gradcam": ".gradcam.onnx"}


# ------------------------------------------------------------------------------------------
# statistics (pure numpy)


def fit_statistics(features: np.ndarray, classes: np.ndarray, n_classes: int = 3,
                   shrinkage: float = 0.01) -> Dict[str, np.ndarray]:
    """Class means [K, D], shared covariance (shrunk), and W with W Wᵀ = Σ⁻¹ (Cholesky)."""
    f = features.astype(np.float64)
    d = f.shape[1]
    means = np.zeros((n_classes, d))
    centred = []
    for k in range(n_classes):
        sel = f[classes == k]
        if sel.shape[0] < 2:
            raise ValueError(f"class {k} has {sel.shape[0]} fitting windows: need at least 2")
        means[k] = sel.mean(axis=0)
        centred.append(sel - means[k])
    c = np.concatenate(centred)
    cov = c.T @ c / max(1, c.shape[0] - n_classes)
    cov = cov + shrinkage * np.trace(cov) / d * np.eye(d)
    precision = np.linalg.inv(cov)
    precision = (precision + precision.T) / 2
    w = np.linalg.cholesky(precision)  # precision = w @ w.T, so d² = ||(f - μ) @ w||²
    return {"means": means, "covariance": cov, "w": w}


def scores(features: np.ndarray, stats: Dict[str, np.ndarray]) -> np.ndarray:
    """Smallest Mahalanobis distance over the class means, per row."""
    z = features.astype(np.float64) @ stats["w"]
    c = stats["means"] @ stats["w"]
    d2 = ((z[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
    return np.sqrt(d2.min(axis=1))


# ------------------------------------------------------------------------------------------
# graph surgery


def pooled_features(graph: onnx.GraphProto) -> Tuple[str, str]:
    """The tensors feeding the final linear layers of the landmark and vein heads."""
    producer = {o: n for n in graph.node for o in n.output}
    found = []
    for head in ("landmark", "vein"):
        node = producer.get(head)
        if node is None or node.op_type != "Softmax":
            raise ValueError(f"output {head} is not made by a Softmax")
        gemm = producer.get(node.input[0])
        if gemm is None or gemm.op_type != "Gemm":
            raise ValueError(f"the softmax of {head} does not read a Gemm")
        found.append(gemm.input[0])
    return found[0], found[1]


def strip_score(model: onnx.ModelProto) -> None:
    """Remove what an earlier run added (nodes, initialisers, output, metadata)."""
    g = model.graph
    keep = [n for n in g.node if not n.name.startswith(PREFIX)]
    del g.node[:]
    g.node.extend(keep)
    inits = [i for i in g.initializer if not i.name.startswith(PREFIX)]
    del g.initializer[:]
    g.initializer.extend(inits)
    outs = [o for o in g.output if o.name != OUTPUT]
    del g.output[:]
    g.output.extend(outs)
    props = [p for p in model.metadata_props if p.key != META_KEY]
    del model.metadata_props[:]
    model.metadata_props.extend(props)


def add_score(model: onnx.ModelProto, stats: Dict[str, np.ndarray], meta: dict) -> onnx.ModelProto:
    """Append the score subgraph and its output `in_distribution` [batch]; set the metadata."""
    strip_score(model)
    g = model.graph
    lm, vn = pooled_features(g)
    w = stats["w"].astype(np.float32)
    centres = (stats["means"] @ stats["w"]).astype(np.float32)  # [K, D]
    g.initializer.extend([
        numpy_helper.from_array(w, PREFIX + "w"),
        numpy_helper.from_array(centres[None, :, :], PREFIX + "centres"),
        numpy_helper.from_array(np.array([1], np.int64), PREFIX + "axis1"),
        numpy_helper.from_array(np.array([2], np.int64), PREFIX + "axis2"),
    ])
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 13)
    n = lambda op, ins, outs, **kw: helper.make_node(op, ins, outs, name=PREFIX + outs[0].split("/")[-1], **kw)
    nodes = [
        n("Concat", [lm, vn], [PREFIX + "features"], axis=1),
        n("MatMul", [PREFIX + "features", PREFIX + "w"], [PREFIX + "z"]),
        n("Unsqueeze", [PREFIX + "z", PREFIX + "axis1"], [PREFIX + "z3"]) if opset >= 13
        else n("Unsqueeze", [PREFIX + "z"], [PREFIX + "z3"], axes=[1]),
        n("Sub", [PREFIX + "z3", PREFIX + "centres"], [PREFIX + "diff"]),
        n("Mul", [PREFIX + "diff", PREFIX + "diff"], [PREFIX + "sq"]),
        n("ReduceSum", [PREFIX + "sq", PREFIX + "axis2"], [PREFIX + "d2"], keepdims=0) if opset >= 13
        else n("ReduceSum", [PREFIX + "sq"], [PREFIX + "d2"], axes=[2], keepdims=0),
        n("ReduceMin", [PREFIX + "d2"], [PREFIX + "d2min"], axes=[1], keepdims=0),
        n("Sqrt", [PREFIX + "d2min"], [OUTPUT]),
    ]
    g.node.extend(nodes)
    batch = g.output[0].type.tensor_type.shape.dim[0]
    out = helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, [batch.dim_param or batch.dim_value or "batch"])
    g.output.append(out)
    model.metadata_props.append(onnx.StringStringEntryProto(key=META_KEY, value=json.dumps(meta)))
    onnx.checker.check_model(model)
    return model


# ------------------------------------------------------------------------------------------
# features from the data set (torch, the same weights as the ONNX window model)


def feature_model(model_path: str, out_path: str) -> None:
    """The window model with one more output, `features` [batch, 256] (the pooled landmark + vein features)."""
    m = onnx.load(model_path)
    strip_score(m)
    lm, vn = pooled_features(m.graph)
    m.graph.node.append(helper.make_node("Concat", [lm, vn], ["features"], name=PREFIX + "features_out", axis=1))
    m.graph.output.append(helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", 256]))
    onnx.save(m, out_path)


def window_features(feature_onnx: str, root: str, index: dict, split: str, ends_by_exam, norm: dict,
                    work: str, threads: int) -> np.ndarray:
    """Pooled features [N, 256] of the chosen windows, through onnxruntime-node (training/window_features.ts)."""
    items = [[os.path.join(os.path.abspath(root), ex["file"]), int(e)]
             for ex in index["exams"] if ex["split"] == split for e in ends_by_exam.get(ex["examId"], [])]
    if not items:
        return np.zeros((0, 256), np.float32)
    job = os.path.join(work, f"{split}.job.json")
    out = os.path.join(work, f"{split}.f32")
    with open(job, "w") as fh:
        json.dump({"model": feature_onnx, "normalization": norm, "frames": 9, "items": items, "out": out,
                   "threads": threads}, fh)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run(["node", "--import", "tsx", os.path.join(repo, "training", "window_features.ts"), job],
                   cwd=repo, check=True)
    return np.fromfile(out, dtype="<f4").reshape(len(items), -1)


def choose_windows(index: dict, split: str, limit: int, rng: np.random.Generator) -> Dict[str, np.ndarray]:
    """At most `limit` windows (newest-frame indices per exam) with a landmark label, drawn evenly."""
    pool = []
    for ex in index["exams"]:
        if ex["split"] != split:
            continue
        lm = np.asarray(ex["landmark"])
        for e in range(8, int(ex["frames"])):
            if lm[e] >= 0:
                pool.append((ex["examId"], e, int(lm[e])))
    if len(pool) > limit:
        pick = np.sort(rng.choice(len(pool), size=limit, replace=False))
        pool = [pool[i] for i in pick]
    by_exam: Dict[str, list] = {}
    for exam_id, e, _ in pool:
        by_exam.setdefault(exam_id, []).append(e)
    return {k: np.asarray(v) for k, v in by_exam.items()}


def subjects_of(index: dict, split: str, ends_by_exam) -> np.ndarray:
    return np.asarray([ex["subjectId"] for ex in index["exams"] if ex["split"] == split
                       for _ in ends_by_exam.get(ex["examId"], [])])


def held_out_scores(features: np.ndarray, classes: np.ndarray, subjects: np.ndarray, shrinkage: float) -> np.ndarray:
    """Each subject's windows scored by statistics fitted on the other subjects (leave one subject out)."""
    out = np.zeros(len(features))
    for s in np.unique(subjects):
        held = subjects == s
        out[held] = scores(features[held], fit_statistics(features[~held], classes[~held], shrinkage=shrinkage))
    return out


def labels_of(index: dict, split: str, ends_by_exam) -> np.ndarray:
    return np.asarray([int(ex["landmark"][e]) for ex in index["exams"] if ex["split"] == split
                       for e in ends_by_exam.get(ex["examId"], [])])


def form_paths(model_path: str) -> Dict[str, str]:
    stem = model_path[: -len(".onnx")]
    return {form: stem + suffix for form, suffix in FORM_SUFFIXES.items() if os.path.exists(stem + suffix)}


def reference_scores(path: str, form: str, model, norm: dict, stats) -> Optional[List[float]]:
    """The expected `in_distribution` for a form's reference input (torch features + numpy score)."""
    import torch

    ref_json = path[: -len(".onnx")] + ".reference.json"
    if form == "gradcam" or not os.path.exists(ref_json):
        return None  # the Grad-CAM reference input is the window model's: same score
    with open(ref_json) as fh:
        ref = json.load(fh)
    x = np.load(os.path.join(os.path.dirname(ref_json), ref["input"]["file"])).astype(np.float32)
    got: Dict[str, torch.Tensor] = {}
    hooks = [model.heads[t].fc.register_forward_hook(lambda _m, inp, _o, t=t: got.__setitem__(t, inp[0]))
             for t in ("landmark", "vein")]
    try:
        with torch.no_grad():
            if form == "streaming":  # clip [1, 1, T, H, W]: one score per window from the 9th frame on
                t = x.shape[2]
                feats = []
                for s in range(0, t - 8):
                    model(torch.from_numpy(x[:, :, s:s + 9]))
                    feats.append(torch.cat([got["landmark"], got["vein"]], dim=1).numpy())
                f = np.concatenate(feats)
            else:
                model(torch.from_numpy(x))
                f = torch.cat([got["landmark"], got["vein"]], dim=1).numpy()
    finally:
        for h in hooks:
            h.remove()
    s = scores(f, stats).tolist()
    if form == "streaming":
        ref[OUTPUT + "_from_step_8"] = s  # step t scores the window of steps t-8..t
    else:
        ref["outputs"][OUTPUT] = s
    with open(ref_json, "w") as fh:
        json.dump(ref, fh, indent=1)
        fh.write("\n")
    return s


def main(argv: Optional[List[str]] = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, help="the ONNX window model (its .streaming/.gradcam forms beside it are rewritten too)")
    ap.add_argument("--data", required=True, help="a dataset sink folder (index.json + frames/) with train/val/test splits")
    ap.add_argument("--fit-windows", type=int, default=2000, help="windows of the train split used for the fit (sampled evenly)")
    ap.add_argument("--heldout-windows", type=int, default=1200, help="windows of the val (threshold) and test (report) splits each")
    ap.add_argument("--percentile", type=float, default=99.5, help="threshold = this percentile of the held-out (leave-one-subject-out) scores")
    ap.add_argument("--shrinkage", type=float, default=0.3, help="covariance + shrinkage * mean variance * I")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dry-run", action="store_true", help="fit and report, write nothing")
    ap.add_argument("--features-cache", help="an .npz file: features are read from it when it exists, else computed and saved to it")
    a = ap.parse_args(argv)

    import torch
    from autodvt.data import data_fingerprint, load_index
    from autodvt.gradcam import load_onnx_model

    torch.set_num_threads(a.threads)
    t0 = time.time()
    model, meta = load_onnx_model(a.model)
    norm = json.loads(meta.get("autodvt.normalization", '{"scale": 0.00392156862745098, "mean": 0, "std": 1}'))
    index = load_index(a.data)
    rng = np.random.default_rng(a.seed)
    result: Dict[str, dict] = {}
    feats: Dict[str, Tuple[np.ndarray, np.ndarray]] = {}
    subjects: Dict[str, np.ndarray] = {}
    cached = np.load(a.features_cache) if a.features_cache and os.path.exists(a.features_cache) else None
    with tempfile.TemporaryDirectory() as work:
        fm = os.path.join(work, "features.onnx")
        feature_model(a.model, fm)
        for split_name, limit in (("train", a.fit_windows), ("val", a.heldout_windows), ("test", a.heldout_windows)):
            chosen = choose_windows(index, split_name, limit, rng)
            if cached is not None:
                f = cached[split_name]
            else:
                f = window_features(fm, a.data, index, split_name, chosen, norm, work, a.threads)
            feats[split_name] = (f, labels_of(index, split_name, chosen))
            subjects[split_name] = subjects_of(index, split_name, chosen)
            exams = sum(1 for ex in index["exams"] if ex["split"] == split_name)
            result[split_name] = {"exams": exams, "windows": int(len(f))}
            print(f"{split_name}: {exams} exams, {len(f)} windows, {time.time() - t0:.0f} s", flush=True)
    if a.features_cache and cached is None:
        np.savez(a.features_cache, **{k: v[0] for k, v in feats.items()}, **{k + "_labels": v[1] for k, v in feats.items()})
    if len(np.unique(np.concatenate([subjects["train"], subjects["val"]]))) < 3:
        raise SystemExit("the train and val splits hold fewer than 3 subjects: the threshold is set on held-out subjects")
    # Fit on train + val; the threshold comes from held-out scores: each train/val subject scored
    # by statistics fitted without it (one subject's windows are far more alike than two subjects').
    fit_f = np.concatenate([feats["train"][0], feats["val"][0]])
    fit_y = np.concatenate([feats["train"][1], feats["val"][1]])
    fit_s = np.concatenate([subjects["train"], subjects["val"]])
    held = held_out_scores(fit_f, fit_y, fit_s, a.shrinkage)
    threshold = float(np.percentile(held, a.percentile))
    stats = fit_statistics(fit_f, fit_y, shrinkage=a.shrinkage)
    report = {"leaveOneSubjectOut": {"subjects": int(len(np.unique(fit_s))), "windows": int(len(held)),
                                     "unknownFraction": float((held > threshold).mean()),
                                     "median": float(np.median(held))}}
    for split_name, (f, _) in feats.items():
        if len(f) == 0:
            continue
        s = scores(f, stats)
        report[split_name] = {**result[split_name], "unknownFraction": float((s > threshold).mean()),
                              "median": float(np.median(s)), "p99": float(np.percentile(s, 99))}
    fp = data_fingerprint(a.data)
    meta_out = {
        "output": OUTPUT,
        "score": "min over landmark classes of the Mahalanobis distance of the pooled landmark+vein features "
                 "(256 values) to the class mean, shared covariance; higher = less like the training data",
        "threshold": threshold,
        "unknownWhen": "score > threshold",
        "classes": ["BG", "LM1", "LM2"],
        "shrinkage": a.shrinkage,
        "percentile": a.percentile,
        "fit": {"splits": ["train", "val"], "data": os.path.abspath(a.data), "dataFingerprint": fp, "seed": a.seed},
        "thresholdFrom": f"the {a.percentile}th percentile of leave-one-subject-out scores over the train and val "
                         "subjects; the test split is scored with the final statistics and reported",
        "heldOut": report,
        "command": "training/fit_in_distribution.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "rule": "docs/training-runs/2026-12-07-in-distribution-rule.md",
    }
    print(json.dumps({"threshold": threshold, "heldOut": report}, indent=1))
    if a.dry_run:
        return meta_out
    for form, path in form_paths(a.model).items():
        m = onnx.load(path)
        add_score(m, stats, meta_out)
        onnx.save(m, path)
        ref = reference_scores(path, form, model, norm, stats)
        print(f"wrote {path}" + (f" (reference {OUTPUT} {['%.3f' % v for v in ref]})" if ref else ""))
    print(f"done in {time.time() - t0:.0f} s")
    return meta_out


if __name__ == "__main__":
    main()
