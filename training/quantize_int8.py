#!/usr/bin/env python3
"""Quantise the AutoDVT window and streaming models to int8 (static, QDQ) for onnxruntime's CPU.

  /usr/bin/python3 training/quantize_int8.py --model models/autodvt.onnx --data DATASET

Writes `<stem>.int8.onnx` and `<stem>.streaming.int8.onnx` beside the model (the fp32 files are
not touched). onnxruntime.quantization is not installed here (no Python onnxruntime), so this is
the quantiser written with `onnx` + `numpy`, in the layout onnxruntime's QDQ quantiser writes and
its CPU provider fuses (QuantizeLinear/DequantizeLinear pairs around each operator; at session
start DQ -> Conv -> Q becomes QLinearConv and DQ, DQ -> Add -> Q becomes QLinearAdd):

- Conv weights: int8, symmetric, one scale per output channel (`--reduce-range`: 7 bits,
  [-63, 63], so that u8 x s8 products summed in pairs fit int16 on AVX2 without VNNI);
  biases int32 with scale = input scale x weight scale.
- Activations: uint8, asymmetric, one scale per tensor: the inputs and outputs of every
  quantised Conv and Add. A Relu right after a quantised Conv or Add is removed and its output
  range given to the Q before it (zero point 0, so Q clamps negatives to 0: the Relu itself).
- Float: the first block (`--float-first-block`, the default: its convs read the 1-channel
  frames, 9 multiply-adds per output, and onnxruntime's int8 kernel ran them 2-3x slower than
  its fp32 NCHWc one), the linear layers (Gemm, 128 -> 3 and 128 -> 2), the softmaxes, the
  global pooling and the whole in-distribution score (its MatMul reads the pooled features).
- Calibration: the activation ranges of `--windows` windows of the dataset's `train` split
  (min/max, or `--calibration percentile`), measured in onnxruntime-node on the fp32 window
  model (`training/activation_ranges.ts`): the tensors to calibrate are the ONNX graph's own
  (per-tap convs and partial sums that the PyTorch module does not hold). Both forms take
  their scales from the same measurement: a tensor's scale belongs to its *role* (which
  weights made it, through which Adds and Relus), so a streaming step computes, integer for
  integer, what the window model computes for the same 9 frames (each state tensor keeps the
  scale of the role it holds).

The metadata of each fp32 file is copied unchanged, plus `autodvt.precision` (JSON: int8,
the recipe, the calibration data's fingerprint, the fp32 file's sha256); `readModelInfo`
reports such a file's model id with `+int8`. How close the int8 model stays to the fp32 one:
`training/int8_agreement.ts` (held-out dataset windows) and
`test/stages/onnx-inference/int8.test.ts` (a held-out phantom exam, in CI).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Set, Tuple

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PRECISION_KEY = "autodvt.precision"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUANTISED_OPS = ("Conv", "Add")
# Ops that pass a tensor's values through unchanged: their output has the input's role.
PASS_THROUGH = ("Split", "Squeeze", "Unsqueeze", "Gather", "Identity", "Reshape")


# ------------------------------------------------------------------------------------------
# roles: which tensors of the two forms hold the same kind of values


def weight_key(arr: np.ndarray) -> str:
    return hashlib.sha1(np.ascontiguousarray(arr, dtype=np.float32).tobytes()).hexdigest()[:12]


def state_pairs(model: onnx.ModelProto) -> List[Tuple[str, str]]:
    meta = {p.key: p.value for p in model.metadata_props}
    if "autodvt.streaming" not in meta:
        return []
    return [(s["input"], s["output"]) for s in json.loads(meta["autodvt.streaming"])["state"]]


def tensor_roles(model: onnx.ModelProto) -> Dict[str, str]:
    """Role of each float activation the quantiser may touch: 'input' for the frames, a Conv
    output by its weights' hash, an Add by its inputs' roles, a Relu by its input's. A
    streaming state input takes the role of the state output it is fed from."""
    g = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    roles: Dict[str, str] = {}
    for i in g.input:
        if i.name in ("frames", "frame"):
            roles[i.name] = "input"
    pairs = state_pairs(model)
    for _ in range(len(g.node) + len(pairs) + 1):
        changed = False
        for n in g.node:
            if all(o in roles for o in n.output):
                continue
            ins = [x for x in n.input if x and x not in inits]
            if n.op_type == "Conv":
                if ins[0] in roles:
                    roles[n.output[0]] = "conv:" + weight_key(inits[n.input[1]])
            elif n.op_type == "Add":
                if len(ins) == 2 and all(x in roles for x in ins):
                    roles[n.output[0]] = "add(" + ",".join(sorted(roles[x] for x in ins)) + ")"
            elif n.op_type == "Relu":
                if ins[0] in roles:
                    roles[n.output[0]] = "relu(" + roles[ins[0]] + ")"
            elif n.op_type in PASS_THROUGH:
                if ins and ins[0] in roles:
                    for o in n.output:
                        roles[o] = roles[ins[0]]
            else:
                continue
            changed = changed or all(o in roles for o in n.output)
        for state_in, state_out in pairs:
            if state_out in roles and state_in not in roles:
                roles[state_in] = roles[state_out]
                changed = True
        if not changed:
            break
    return roles


def consumers_of(graph) -> Dict[str, List[onnx.NodeProto]]:
    out: Dict[str, List[onnx.NodeProto]] = {}
    for n in graph.node:
        for x in n.input:
            out.setdefault(x, []).append(n)
    return out


def float_roles(graph, roles: Dict[str, str], float_first_block: bool) -> Set[str]:
    """Roles of the Conv outputs kept float. With `float_first_block`, the first block's: its
    convs read the frames (1 input channel: 9 multiply-adds per output, too few for an int8
    kernel to pay for its overhead; measured 2-3x slower than the fp32 NCHWc kernel)."""
    if not float_first_block:
        return set()
    return {roles[n.output[0]] for n in graph.node if n.op_type == "Conv" and roles.get(n.input[0]) == "input"}


def is_quantised(n: onnx.NodeProto, roles: Dict[str, str], floats: Set[str]) -> bool:
    """Conv and Add are quantised, except those whose output role involves a float Conv."""
    if n.op_type not in QUANTISED_OPS:
        return False
    role = roles.get(n.output[0], "")
    return not any(f in role for f in floats)


def removable_relus(graph, quantised: Set[str]) -> List[onnx.NodeProto]:
    """Relus whose input comes from a quantised op (by output name), feeds only them, and is no graph output."""
    consumers = consumers_of(graph)
    outputs = {o.name for o in graph.output}
    return [n for n in graph.node
            if n.op_type == "Relu" and n.input[0] in quantised and len(consumers.get(n.input[0], [])) == 1
            and n.input[0] not in outputs]


def calibration_tensors(model: onnx.ModelProto, roles: Dict[str, str]) -> List[str]:
    """The activations whose range sets a scale: inputs and outputs of Conv and Add, and the
    outputs of the Relus that will be folded into the Q before them."""
    g = model.graph
    inits = {i.name for i in g.initializer}
    names: List[str] = []
    seen = set()
    for n in g.node:
        if n.op_type in QUANTISED_OPS or n.op_type == "Relu":
            for x in list(n.input) + list(n.output):
                if x and x not in inits and x in roles and x not in seen:
                    seen.add(x)
                    names.append(x)
    return names


# ------------------------------------------------------------------------------------------
# calibration (activation ranges through onnxruntime-node)


def choose_windows(index: dict, split: str, limit: int, rng: np.random.Generator) -> List[Tuple[str, int]]:
    pool = [(ex["file"], e) for ex in index["exams"] if ex["split"] == split for e in range(8, int(ex["frames"]))]
    if len(pool) > limit:
        pool = [pool[i] for i in np.sort(rng.choice(len(pool), size=limit, replace=False))]
    return pool


def measure_ranges(model: onnx.ModelProto, names: List[str], root: str, items: List[Tuple[str, int]], norm: dict,
                   work: str, threads: int, histogram: Optional[dict] = None) -> Dict[str, dict]:
    aug = onnx.ModelProto()
    aug.CopyFrom(model)
    have = {o.name for o in aug.graph.output}
    for x in names:
        if x not in have:
            aug.graph.output.append(helper.make_tensor_value_info(x, TensorProto.FLOAT, None))
    aug_path = os.path.join(work, "calibration.onnx")
    onnx.save(aug, aug_path)
    job = os.path.join(work, "ranges.job.json")
    out = os.path.join(work, "ranges.json")
    with open(job, "w") as fh:
        json.dump({"model": aug_path, "outputs": names, "normalization": norm, "frames": 9,
                   "items": [[os.path.join(os.path.abspath(root), f), int(e)] for f, e in items],
                   "out": out, "threads": threads, **({"histogram": histogram} if histogram else {})}, fh)
    subprocess.run(["node", "--import", "tsx", os.path.join(REPO, "training", "activation_ranges.ts"), job],
                   cwd=REPO, check=True)
    with open(out) as fh:
        return json.load(fh)


def percentile_ranges(stats: Dict[str, dict], pct: float, bins: int) -> Dict[str, Tuple[float, float]]:
    """Clip each range at the pct-th percentile of |values| beyond zero, from the histogram."""
    out = {}
    for name, s in stats.items():
        h = np.asarray(s["histogram"], dtype=np.float64)
        edges = np.linspace(s["min"], s["max"], bins + 1)
        cdf = np.cumsum(h) / h.sum()
        lo_tail = (100.0 - pct) / 100.0 / 2 if s["min"] < 0 else 0.0
        hi = edges[min(bins, int(np.searchsorted(cdf, 1.0 - (100.0 - pct) / 100.0 + lo_tail)) + 1)]
        lo = edges[int(np.searchsorted(cdf, lo_tail))] if s["min"] < 0 else s["min"]
        out[name] = (min(float(lo), 0.0), max(float(hi), 0.0))
    return out


# ------------------------------------------------------------------------------------------
# the QDQ rewrite


def activation_qparams(lo: float, hi: float) -> Tuple[float, int]:
    """uint8, asymmetric; the range always contains 0 (so zero padding is exact)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zp = int(np.clip(round(-lo / scale), 0, 255))
    return float(scale), zp


def quantise_weight(w: np.ndarray, qmax: int) -> Tuple[np.ndarray, np.ndarray]:
    """int8 per output channel (axis 0), symmetric: w ≈ q * s[c]."""
    amax = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
    s = np.where(amax > 0, amax / qmax, 1.0).astype(np.float32)
    q = np.clip(np.round(w / s.reshape(-1, *([1] * (w.ndim - 1)))), -qmax, qmax).astype(np.int8)
    return q, s


def copy_node(n: onnx.NodeProto) -> onnx.NodeProto:
    c = onnx.NodeProto()
    c.CopyFrom(n)
    return c


def quantise_graph(model: onnx.ModelProto, roles: Dict[str, str], role_ranges: Dict[str, Tuple[float, float]],
                   reduce_range: bool, float_first_block: bool = True) -> Tuple[onnx.ModelProto, dict]:
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    inits = {i.name: i for i in g.initializer}

    # 1. Fold each removable Relu into the op before it: that op now writes the Relu's output.
    floats = float_roles(g, roles, float_first_block)
    quantised_outputs = {n.output[0] for n in g.node if is_quantised(n, roles, floats)}
    relu_roles: Dict[str, str] = {}
    for r in removable_relus(g, quantised_outputs):
        producer = next(n for n in g.node if r.input[0] in n.output)
        producer.output[0] = r.output[0]
        relu_roles[r.output[0]] = roles[r.output[0]]
        g.node.remove(r)
    nodes_in_order = list(g.node)
    producer = {o: k for k, n in enumerate(nodes_in_order) for o in n.output}
    graph_inputs = {i.name for i in g.input}

    # 2. Which activations get a Q/DQ pair, with which scale.
    qnodes = [(k, n) for k, n in enumerate(nodes_in_order) if is_quantised(n, roles, floats)]
    act: List[str] = []
    for _, n in qnodes:
        ins = [n.input[0]] if n.op_type == "Conv" else list(n.input)
        for x in ins + [n.output[0]]:
            if x not in act:
                act.append(x)
    missing = [x for x in act if x not in roles or roles[x] not in role_ranges]
    if missing:
        raise ValueError(f"no calibrated range for {missing[:5]} ({len(missing)} tensors)")
    qparams = {x: activation_qparams(*role_ranges[roles[x]]) for x in act}

    new_nodes: List[onnx.NodeProto] = []
    new_inits: List[onnx.TensorProto] = []
    dq_of_input: Dict[str, str] = {}

    def scale_zp(name: str, scale, zp, zp_type) -> Tuple[str, str]:
        s_name, z_name = name + "/scale", name + "/zero_point"
        new_inits.append(numpy_helper.from_array(np.asarray(scale, dtype=np.float32), s_name))
        new_inits.append(numpy_helper.from_array(np.asarray(zp, dtype=zp_type), z_name))
        return s_name, z_name

    after: Dict[int, List[onnx.NodeProto]] = {}  # nodes to insert right after a producer (-1: first)
    for x in act:
        scale, zp = qparams[x]
        s, z = scale_zp(x + "/q", scale, zp, np.uint8)
        if x in graph_inputs:
            dq_of_input[x] = x + "/dq"
            nodes = [helper.make_node("QuantizeLinear", [x, s, z], [x + "/quantized"], name=x + "/QuantizeLinear"),
                     helper.make_node("DequantizeLinear", [x + "/quantized", s, z], [x + "/dq"], name=x + "/DequantizeLinear")]
            after.setdefault(-1, []).extend(nodes)
        else:
            k = producer[x]
            p = nodes_in_order[k]
            pre = x + "/float"
            p.output[list(p.output).index(x)] = pre
            after.setdefault(k, []).extend([
                helper.make_node("QuantizeLinear", [pre, s, z], [x + "/quantized"], name=x + "/QuantizeLinear"),
                helper.make_node("DequantizeLinear", [x + "/quantized", s, z], [x], name=x + "/DequantizeLinear")])
    for n in nodes_in_order:
        for j, x in enumerate(n.input):
            if x in dq_of_input:
                n.input[j] = dq_of_input[x]

    # 3. Weights (per channel, symmetric int8) and biases (int32), one DQ per distinct pair.
    qmax = 63 if reduce_range else 127
    weight_dq: Dict[str, Tuple[str, np.ndarray]] = {}
    bias_dq: Dict[Tuple[str, float], str] = {}
    before: Dict[int, List[onnx.NodeProto]] = {}
    for k, n in qnodes:
        if n.op_type != "Conv":
            continue
        w_name = n.input[1]
        if w_name not in weight_dq:
            q, ws = quantise_weight(numpy_helper.to_array(inits[w_name]), qmax)
            new_inits.append(numpy_helper.from_array(q, w_name + "/int8"))
            s, z = scale_zp(w_name + "/int8", ws, np.zeros_like(q[:, 0, 0, 0]), np.int8)
            out = w_name + "/dq"
            before.setdefault(k, []).append(
                helper.make_node("DequantizeLinear", [w_name + "/int8", s, z], [out], name=w_name + "/DequantizeLinear", axis=0))
            weight_dq[w_name] = (out, ws)
        out, ws = weight_dq[w_name]
        n.input[1] = out
        if len(n.input) > 2 and n.input[2]:
            b_name = n.input[2]
            in_scale = qparams[n.input[0]][0]
            key = (b_name, in_scale)
            if key not in bias_dq:
                b = numpy_helper.to_array(inits[b_name]).astype(np.float64)
                bs = (in_scale * ws.astype(np.float64)).astype(np.float32)
                qb = np.round(b / bs).astype(np.int32)
                tag = f"{b_name}/int32_{len(bias_dq)}"
                new_inits.append(numpy_helper.from_array(qb, tag))
                s, z = scale_zp(tag, bs, np.zeros_like(qb), np.int32)
                before.setdefault(k, []).append(
                    helper.make_node("DequantizeLinear", [tag, s, z], [tag + "/dq"], name=tag + "/DequantizeLinear", axis=0))
                bias_dq[key] = tag + "/dq"
            n.input[2] = bias_dq[key]

    # 4. Reassemble in topological order (inserted nodes beside the node they serve).
    ordered = list(after.get(-1, []))
    for k, n in enumerate(nodes_in_order):
        ordered.extend(before.get(k, []))
        ordered.append(n)
        ordered.extend(after.get(k, []))
    ordered = [copy_node(n) for n in ordered]  # detached from the field cleared below
    del g.node[:]
    g.node.extend(ordered)
    used = {x for n in g.node for x in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep + [i for i in new_inits if i.name in used])
    # Shapes of the rewired tensors are recomputed by onnxruntime; drop the stale ones.
    del g.value_info[:]
    onnx.checker.check_model(m)
    summary = {
        "quantised_convs": sum(1 for _, n in qnodes if n.op_type == "Conv"),
        "quantised_adds": sum(1 for _, n in qnodes if n.op_type == "Add"),
        "relus_folded": len(relu_roles),
        "activation_tensors": len(act),
    }
    return m, summary


# ------------------------------------------------------------------------------------------


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def with_precision(m: onnx.ModelProto, source: onnx.ModelProto, record: dict) -> onnx.ModelProto:
    del m.metadata_props[:]
    for p in source.metadata_props:
        if p.key != PRECISION_KEY:
            m.metadata_props.append(p)
    helper.set_model_props(m, {**{p.key: p.value for p in m.metadata_props}, PRECISION_KEY: json.dumps(record)})
    m.producer_name = "autodvt training/quantize_int8.py"
    return m


def cache_key(args, items) -> str:
    """What the measured ranges depend on: the model file, the data and the windows."""
    return hashlib.sha256(json.dumps([sha256_of(os.path.abspath(args.model)), os.path.abspath(args.data),
                                      items]).encode()).hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, help="the fp32 window model; its .streaming.onnx beside it is quantised too")
    ap.add_argument("--data", required=True, help="a dataset sink folder (index.json + frames/): calibration windows")
    ap.add_argument("--split", default="train", help="the dataset split the calibration windows come from")
    ap.add_argument("--windows", type=int, default=512, help="calibration windows (drawn evenly from the split)")
    ap.add_argument("--calibration", choices=["minmax", "percentile"], default="minmax")
    ap.add_argument("--percentile", type=float, default=99.999, help="with --calibration percentile")
    ap.add_argument("--reduce-range", action=argparse.BooleanOptionalAction, default=True,
                    help="7-bit weights ([-63, 63]): no int16 saturation in AVX2 u8s8 kernels (CPUs without VNNI)")
    ap.add_argument("--float-first-block", action=argparse.BooleanOptionalAction, default=True,
                    help="keep the first block (its convs read the 1-channel frames) in float")
    ap.add_argument("--out-suffix", default=".int8.onnx", help="written beside each fp32 file in place of .onnx")
    ap.add_argument("--ranges-cache", help="a JSON file: the measured ranges are read from it when it matches, else measured and saved to it")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)

    from autodvt.data import data_fingerprint, load_index

    started = time.time()
    window_path = os.path.abspath(args.model)
    streaming_path = window_path[:-5] + ".streaming.onnx"
    forms = [(window_path, onnx.load(window_path))]
    if os.path.exists(streaming_path):
        forms.append((streaming_path, onnx.load(streaming_path)))
    window = forms[0][1]
    meta = {p.key: p.value for p in window.metadata_props}
    norm = json.loads(meta.get("autodvt.normalization", '{"scale": 0.00392156862745098, "mean": 0, "std": 1}'))

    roles_w = tensor_roles(window)
    names = calibration_tensors(window, roles_w)
    index = load_index(args.data)
    items = choose_windows(index, args.split, args.windows, np.random.default_rng(args.seed))
    if not items:
        raise SystemExit(f"{args.data}: no windows in split {args.split!r}")
    print(f"calibrating {len(names)} tensors on {len(items)} windows of {args.data} ({args.split})", file=sys.stderr)
    bins = 4096
    cached = None
    if args.ranges_cache and os.path.exists(args.ranges_cache):
        with open(args.ranges_cache) as fh:
            cached = json.load(fh)
        if cached.get("key") != cache_key(args, items):
            cached = None
    if cached is None:
        with tempfile.TemporaryDirectory(prefix="autodvt-int8-") as work:
            stats = measure_ranges(window, names, args.data, items, norm, work, args.threads)
            hist = {"bins": bins, "ranges": {x: [s["min"], s["max"]] for x, s in stats.items()}}
            stats = measure_ranges(window, names, args.data, items, norm, work, args.threads, hist)
        cached = {"key": cache_key(args, items), "stats": stats}
        if args.ranges_cache:
            with open(args.ranges_cache, "w") as fh:
                json.dump(cached, fh)
    stats = cached["stats"]
    if args.calibration == "percentile":
        ranges = percentile_ranges(stats, args.percentile, bins)
    else:
        ranges = {x: (s["min"], s["max"]) for x, s in stats.items()}
    role_ranges: Dict[str, Tuple[float, float]] = {}
    for x, (lo, hi) in ranges.items():
        r = roles_w[x]
        a, b = role_ranges.get(r, (lo, hi))
        role_ranges[r] = (min(a, lo), max(b, hi))

    fingerprint = data_fingerprint(args.data)
    written = []
    for path, model in forms:
        roles = roles_w if model is window else tensor_roles(model)
        qm, summary = quantise_graph(model, roles, role_ranges, args.reduce_range, args.float_first_block)
        record = {
            "precision": "int8",
            "format": "QDQ",
            "weights": f"int8 per output channel, symmetric, {'7-bit [-63, 63] (reduce_range)' if args.reduce_range else '8-bit [-127, 127]'}; biases int32",
            "activations": "uint8 per tensor, asymmetric: inputs and outputs of every quantised Conv and Add (Relu folded into the Q before it)",
            "float": ("the first block (its convs read the 1-channel frames), " if args.float_first_block else "")
            + "Gemm (linear layers), Softmax, global pooling, the in-distribution score",
            "calibration": {
                "method": args.calibration if args.calibration == "minmax" else f"percentile {args.percentile}",
                "windows": len(items),
                "split": args.split,
                "seed": args.seed,
                "scales_shared_by_role": True,
                "data": {"sha256": fingerprint["sha256"], "counts": fingerprint["counts"], "path": os.path.basename(os.path.normpath(args.data))},
                "runtime": "onnxruntime-node (training/activation_ranges.ts)",
            },
            "from": {"file": os.path.basename(path), "sha256": sha256_of(path)},
            "graph": summary,
            "tool": "training/quantize_int8.py",
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        out = path[:-5] + args.out_suffix
        onnx.save(with_precision(qm, model, record), out)
        written.append(out)
        print(f"wrote {out} ({os.path.getsize(out) / 1e6:.2f} MB): {summary}", file=sys.stderr)
    print(json.dumps({"written": written, "roles": len(role_ranges), "seconds": round(time.time() - started, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
