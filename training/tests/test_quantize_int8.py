"""training/quantize_int8.py: weight and activation quantisation, roles shared by the two forms, the QDQ rewrite."""
import os
import unittest

import numpy as np
import onnx

from . import _path  # noqa: F401
import quantize_int8 as q

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WINDOW = os.path.join(ROOT, "models", "test", "tiny-random.onnx")
STREAMING = os.path.join(ROOT, "models", "test", "tiny-random.streaming.onnx")


class WeightsAndActivations(unittest.TestCase):
    def test_per_channel_weights_round_within_half_a_step(self):
        rng = np.random.default_rng(0)
        w = rng.normal(size=(8, 4, 3, 3)).astype(np.float32) * rng.uniform(0.01, 10, size=(8, 1, 1, 1)).astype(np.float32)
        for qmax in (63, 127):
            iq, s = q.quantise_weight(w, qmax)
            self.assertEqual(iq.dtype, np.int8)
            self.assertLessEqual(int(np.abs(iq).max()), qmax)
            err = np.abs(iq.astype(np.float32) * s[:, None, None, None] - w)
            self.assertTrue(np.all(err <= s[:, None, None, None] / 2 + 1e-6))

    def test_activation_zero_is_exact_and_the_range_is_covered(self):
        for lo, hi in [(0.0, 5.0), (-1.0, 3.0), (-2.5, -0.5), (0.3, 0.9)]:
            scale, zp = q.activation_qparams(lo, hi)
            self.assertTrue(0 <= zp <= 255)
            self.assertAlmostEqual((0 - zp) * scale, -zp * scale)  # 0 maps to the integer zp
            self.assertLessEqual((0 - zp) * scale, min(lo, 0.0) + 1e-6)
            self.assertGreaterEqual((255 - zp) * scale, max(hi, 0.0) - scale)


class Roles(unittest.TestCase):
    def test_every_streaming_tensor_to_quantise_has_a_role_the_window_model_calibrates(self):
        w, s = onnx.load(WINDOW), onnx.load(STREAMING)
        rw, rs = q.tensor_roles(w), q.tensor_roles(s)
        calibrated = {rw[x] for x in q.calibration_tensors(w, rw)}
        needed = {rs[x] for x in q.calibration_tensors(s, rs)}
        self.assertTrue(needed <= calibrated, needed - calibrated)
        # each state input holds what its state output held a frame before
        for state_in, state_out in q.state_pairs(s):
            self.assertEqual(rs[state_in], rs[state_out])

    def test_the_rewrite_quantises_all_convs_but_the_first_blocks_and_passes_the_checker(self):
        w = onnx.load(WINDOW)
        roles = q.tensor_roles(w)
        names = q.calibration_tensors(w, roles)
        ranges = {}
        for x in names:  # any ranges will do for the structure
            ranges[roles[x]] = (0.0, 4.0) if roles[x].startswith("relu(") else (-4.0, 4.0)
        m, summary = q.quantise_graph(w, roles, ranges, reduce_range=True)
        ops = [n.op_type for n in m.graph.node]
        convs = sum(1 for n in w.graph.node if n.op_type == "Conv")
        first = sum(1 for n in w.graph.node if n.op_type == "Conv" and roles[n.input[0]] == "input")
        self.assertEqual(summary["quantised_convs"], convs - first)
        self.assertEqual(ops.count("Conv"), convs)
        self.assertGreater(ops.count("QuantizeLinear"), 0)
        self.assertEqual([o.name for o in m.graph.output], [o.name for o in w.graph.output])
        weights = [i for i in m.graph.initializer if i.name.endswith("/int8")]
        self.assertEqual(len(weights), len({n.input[1] for n in w.graph.node if n.op_type == "Conv" and roles[n.input[0]] != "input"}))
        for i in weights:
            self.assertLessEqual(int(np.abs(onnx.numpy_helper.to_array(i)).max()), 63)


if __name__ == "__main__":
    unittest.main()
