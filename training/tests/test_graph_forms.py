"""graph_forms: the merged head and tap forms keep every conv's weights, only regrouped.

(Numerical parity of the merged graphs is checked in onnxruntime by bench/streaming-vs-window.ts,
which reports the max abs difference against the window model; Python has no onnxruntime here.)
"""
import os
import tempfile
import unittest

from . import _path  # noqa: F401

import numpy as np
import onnx
from onnx import numpy_helper

from graph_forms import convert

MODELS = os.path.join(os.path.dirname(_path.ROOT), "models", "test")


def _convs(model):
    return [n for n in model.graph.node if n.op_type == "Conv"]


def _weights(model):
    return {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}


class GraphFormsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.src = os.path.join(MODELS, "tiny-random.streaming.onnx")
        self.before = onnx.load(self.src)

    def test_merged_heads_hold_both_heads_weights(self):
        after = convert(self.src, os.path.join(self.dir, "h.onnx"), ["heads"])
        self.assertEqual(len(_convs(after)), len(_convs(self.before)) - 3)
        w0, w1 = _weights(self.before), _weights(after)
        heads = {t: [n for n in _convs(self.before) if n.output[0].startswith(f"/{t}/blocks.")] for t in ("landmark", "vein")}
        for k in range(3):
            merged = w1[f"heads.{k}.weight"]
            np.testing.assert_array_equal(merged[:128], w0[heads["landmark"][k].input[1]])
            np.testing.assert_array_equal(merged[128:], w0[heads["vein"][k].input[1]])
        groups = [a.i for n in _convs(after) if n.output[0].startswith("heads.") for a in n.attribute if a.name == "group"]
        self.assertEqual(groups, [1, 2, 2])
        # The heads' linear layers still read the pooled features of their own head.
        self.assertEqual([n.op_type for n in after.graph.node].count("Split"), 1)

    def test_merged_taps_one_conv_per_block_after_the_first(self):
        after = convert(self.src, os.path.join(self.dir, "t.onnx"), ["taps"])
        # Blocks 1-3 convolve the new slice with three taps each: 9 convs become 3.
        self.assertEqual(len(_convs(after)), len(_convs(self.before)) - 6)
        outputs = {o for n in after.graph.node for o in n.output}
        for o in ("state_out_3", "state_out_5", "state_out_7"):
            self.assertIn(o, outputs)

    def test_unknown_form_is_refused(self):
        with self.assertRaisesRegex(ValueError, "unknown form"):
            convert(self.src, os.path.join(self.dir, "x.onnx"), ["fold"])


if __name__ == "__main__":
    unittest.main()
