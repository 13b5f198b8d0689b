"""Time-folded window export: the trunk as per-tap Conv2d == the Conv3d network, and
load_onnx_model reads it back (and still reads the Conv3d form)."""
import json
import os
import tempfile
import unittest

from . import _path  # noqa: F401
from .test_streaming import calibrated

import numpy as np
import torch

from autodvt.gradcam import load_onnx_model
from autodvt.model import build_model
from autodvt.onnx_export import WindowExport, export_window
from autodvt.time_fold import TimeFoldedTrunk, conv3d_weight_from_taps

NORM = {"mean": 0.5, "std": 0.25}


def outputs_diff(a, b) -> float:
    return max(float((p - q).abs().max()) for p, q in zip(a, b))


def conv_weight_dims(path: str):
    import onnx

    g = onnx.load(path).graph
    inits = {i.name: len(i.dims) for i in g.initializer}
    return [inits[n.input[1]] for n in g.node if n.op_type == "Conv"]


class TimeFoldTest(unittest.TestCase):
    def test_folded_trunk_equals_the_conv3d_trunk(self):
        m = calibrated(seed=5)
        torch.manual_seed(6)
        x = torch.randn(3, 1, 9, 150, 150)
        with torch.no_grad():
            ref = m.trunk(x)
            got = TimeFoldedTrunk(m.trunk).eval()(x)
        self.assertEqual(tuple(got.shape), (3, 64, 10, 10))
        self.assertLessEqual(float((got - ref).abs().max()), 1e-5 * max(1.0, float(ref.abs().max())))
        self.assertGreater(float(ref.abs().max()), 1e-3)

    def test_folded_window_export_equals_the_network_within_1e_5(self):
        m = calibrated(seed=7)
        torch.manual_seed(8)
        x = torch.randn(4, 1, 9, 150, 150)
        with torch.no_grad():
            logits = m(x)
            lm, vein = WindowExport(m, fold_time=True).eval()(x)
        self.assertLessEqual(float((lm - torch.softmax(logits["landmark"], 1)).abs().max()), 1e-5)
        self.assertLessEqual(float((vein - torch.softmax(logits["vein"], 1)).abs().max()), 1e-5)
        self.assertGreater(float(lm.std()), 1e-3)  # not trivially uniform

    def test_taps_stack_back_into_the_conv3d_weight(self):
        w = torch.randn(8, 4, 3, 3, 3)
        self.assertTrue(torch.equal(conv3d_weight_from_taps([w[:, :, k] for k in range(3)]), w))

    def test_export_writes_only_2d_convs_and_records_the_check(self):
        m = calibrated(seed=9)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            info = export_window(m, path, NORM)
            self.assertTrue(info["fold_time"])
            self.assertLessEqual(info["exported_vs_model_max_abs_diff"], 1e-5)
            dims = conv_weight_dims(path)
            self.assertEqual(dims, [4] * len(dims))
            self.assertEqual(len(dims), 3 * (7 + 5 + 3 + 1) + 2 * 3)  # per tap and output slice, + heads
            ref = json.load(open(os.path.join(d, "m.reference.json"), encoding="utf-8"))
            self.assertTrue(ref["fold_time"])
            self.assertLessEqual(ref["exported_vs_model_max_abs_diff"], 1e-5)

    def test_conv3d_export_is_still_available(self):
        m = calibrated(seed=9)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            info = export_window(m, path, NORM, fold_time=False)
            self.assertFalse(info["fold_time"])
            self.assertEqual(conv_weight_dims(path), [5] * 4 + [4] * 6)

    def test_load_onnx_model_round_trips_both_trunk_forms(self):
        m = calibrated(seed=11)
        torch.manual_seed(12)
        x = torch.randn(2, 1, 9, 150, 150)
        with torch.no_grad():
            ref = WindowExport(m).eval()(x)
        for fold_time in (True, False):
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "m.onnx")
                export_window(m, path, NORM, fold_time=fold_time)
                back, meta = load_onnx_model(path)
                with torch.no_grad():
                    got = WindowExport(back).eval()(x)
                    refolded = WindowExport(back, fold_time=True).eval()(x)
                self.assertLessEqual(outputs_diff(got, ref), 1e-5, f"fold_time={fold_time}")
                self.assertLessEqual(outputs_diff(refolded, ref), 1e-5, f"fold_time={fold_time}")
                self.assertEqual(meta["autodvt.mode"], "window")

    def test_single_task_and_2d_models_export_and_load_back(self):
        torch.manual_seed(13)
        x = torch.randn(1, 1, 9, 150, 150)
        for variant in ("3d-single-vein", "2d-dual"):
            m = calibrated(variant, seed=13)
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "m.onnx")
                info = export_window(m, path, NORM)
                self.assertEqual(info["fold_time"], variant.startswith("3d"))
                back, _ = load_onnx_model(path)
                with torch.no_grad():
                    self.assertLessEqual(outputs_diff(WindowExport(back)(x), WindowExport(m)(x)), 1e-5, variant)
                if variant == "3d-single-vein":  # the head it lacks outputs uniform probabilities
                    ref = json.load(open(os.path.join(d, "m.reference.json"), encoding="utf-8"))
                    self.assertTrue(np.allclose(ref["outputs"]["landmark"], 1 / 3))

    def test_load_onnx_model_reads_initializers_the_exporter_merged(self):
        # freshly initialised BatchNorms fold to equal biases; the exporter stores them once + Identity
        m = build_model("3d-dual").eval()
        x = torch.randn(1, 1, 9, 150, 150)
        for fold_time in (True, False):
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "m.onnx")
                export_window(m, path, NORM, fold_time=fold_time)
                back, _ = load_onnx_model(path)
                with torch.no_grad():
                    self.assertLessEqual(outputs_diff(WindowExport(back)(x), WindowExport(m)(x)), 1e-5)


if __name__ == "__main__":
    unittest.main()
