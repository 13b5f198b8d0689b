"""Alternative ONNX graph forms of the exported models, for the speed comparison in
docs/benchmarks.md (session 5). Not used by the shipped export: neither form paid off.

  /usr/bin/python3 training/graph_forms.py models/autodvt.streaming.onnx /tmp/s-both.onnx heads,taps
  /usr/bin/python3 training/graph_forms.py models/autodvt.onnx /tmp/w-heads.onnx heads
  node --import tsx bench/streaming-vs-window.ts models/autodvt.onnx models/autodvt.streaming.onnx,/tmp/s-both.onnx 1 9

- heads: the two task heads share their input, so their first convs become one conv with 256
  outputs, and the second and third become grouped convs (group 2); one ReduceMean, then Split.
- taps: in the streaming graph, the three per-tap convs of a block read the same new slice; they
  become one conv with 3x the outputs, then Split.
Both keep every output channel's sum the same, so the outputs do not change (the bench checks it).
"""
from __future__ import annotations

import sys
from typing import Dict, List

import numpy as np
import onnx
from onnx import helper, numpy_helper

FORMS = ("heads", "taps")


def _weights(graph: onnx.GraphProto) -> Dict[str, np.ndarray]:
    return {init.name: numpy_helper.to_array(init) for init in graph.initializer}


def _attributes(node: onnx.NodeProto) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _conv_bias(node: onnx.NodeProto, weights: Dict[str, np.ndarray]) -> np.ndarray:
    if len(node.input) > 2:
        return weights[node.input[2]]
    return np.zeros(weights[node.input[1]].shape[0], np.float32)


def merge_heads(model: onnx.ModelProto) -> onnx.ModelProto:
    """The landmark and vein heads as one branch of 256 channels (grouped after the first conv)."""
    graph = model.graph
    weights = _weights(graph)
    nodes = list(graph.node)
    heads = [[n for n in nodes if n.op_type == "Conv" and n.output[0].startswith(f"/{task}/blocks.")]
             for task in ("landmark", "vein")]
    landmark, vein = heads
    if len(landmark) != 3 or len(vein) != 3 or landmark[0].input[0] != vein[0].input[0]:
        raise ValueError("expected two heads of three convs each, reading the same features")
    pools = [n for n in nodes if n.op_type == "ReduceMean"]
    if len(pools) != 2 or any(_attributes(p).get("keepdims") != 0 for p in pools):
        raise ValueError("expected one ReduceMean per head, keepdims 0")

    merged: List[onnx.NodeProto] = []
    x = landmark[0].input[0]
    for k, (a, b) in enumerate(zip(landmark, vein)):
        w_name, b_name = f"heads.{k}.weight", f"heads.{k}.bias"
        graph.initializer.extend([
            numpy_helper.from_array(np.concatenate([weights[a.input[1]], weights[b.input[1]]]), w_name),
            numpy_helper.from_array(np.concatenate([_conv_bias(a, weights), _conv_bias(b, weights)]), b_name),
        ])
        attrs = {**_attributes(a), "group": 1 if k == 0 else 2}
        merged.append(helper.make_node("Conv", [x, w_name, b_name], [f"heads.{k}.conv"], **attrs))
        merged.append(helper.make_node("Relu", [f"heads.{k}.conv"], [f"heads.{k}.relu"]))
        x = f"heads.{k}.relu"
    merged.append(helper.make_node("ReduceMean", [x], ["heads.pool"], axes=[2, 3], keepdims=0))
    merged.append(helper.make_node("Split", ["heads.pool"], [pools[0].output[0], pools[1].output[0]], axis=1))

    head_node = lambda n: n.output[0].startswith(("/landmark/blocks.", "/vein/blocks.")) or n.op_type == "ReduceMean"
    out: List[onnx.NodeProto] = []
    for n in nodes:
        if head_node(n):
            continue
        if n.op_type == "Gemm" and merged:  # the heads' linear layers read the pooled features
            out += merged
            merged = []
        out.append(n)
    del graph.node[:]
    graph.node.extend(out)
    return model


def merge_taps(model: onnx.ModelProto) -> onnx.ModelProto:
    """Each group of three convs reading the same tensor (a block's taps) as one conv, then Split."""
    graph = model.graph
    weights = _weights(graph)
    nodes = list(graph.node)
    by_input: Dict[str, List[onnx.NodeProto]] = {}
    for n in nodes:
        if n.op_type == "Conv" and ("/taps/steps." in n.output[0] or n.output[0].startswith("state_out")):
            by_input.setdefault(n.input[0], []).append(n)
    taps = {x: convs for x, convs in by_input.items() if len(convs) == 3}
    tap_convs = {id(c) for convs in taps.values() for c in convs}
    out: List[onnx.NodeProto] = []
    for n in nodes:
        if id(n) not in tap_convs:
            out.append(n)
            continue
        convs = taps.pop(n.input[0], None)
        if convs is None:  # its group was merged at the group's first conv
            continue
        name = "merged." + n.input[0].replace("/", "_")
        graph.initializer.extend([
            numpy_helper.from_array(np.concatenate([weights[c.input[1]] for c in convs]), name + ".weight"),
            numpy_helper.from_array(np.concatenate([_conv_bias(c, weights) for c in convs]), name + ".bias"),
        ])
        out.append(helper.make_node("Conv", [n.input[0], name + ".weight", name + ".bias"], [name + ".out"],
                                    **_attributes(n)))
        out.append(helper.make_node("Split", [name + ".out"], [c.output[0] for c in convs], axis=1))
    del graph.node[:]
    graph.node.extend(out)
    return model


def convert(src: str, dst: str, forms: List[str]) -> onnx.ModelProto:
    unknown = sorted(set(forms) - set(FORMS))
    if unknown:
        raise ValueError(f"unknown form(s) {unknown}: choose from {FORMS}")
    model = onnx.load(src)
    if "heads" in forms:
        model = merge_heads(model)
    if "taps" in forms:
        model = merge_taps(model)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    return model


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit("usage: graph_forms.py SRC.onnx DST.onnx heads|taps|heads,taps")
    convert(sys.argv[1], sys.argv[2], sys.argv[3].split(","))
    print("wrote", sys.argv[2])
