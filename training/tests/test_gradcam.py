"""Grad-CAM: the explicit-gradient module (what is exported to ONNX) == PyTorch autograd Grad-CAM."""
import json
import os
import tempfile
import unittest

from . import _path  # noqa: F401

import numpy as np
import torch

from autodvt.gradcam import (LAYERS, OUTPUT_NAMES, GradCAMExport, export_gradcam, gradcam_autograd,
                             load_onnx_model)
from autodvt.model import TASKS, build_model

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TINY = os.path.join(ROOT, "models", "test", "tiny-random")


def calibrated(variant="3d-dual", seed=0):
    torch.manual_seed(seed)
    m = build_model(variant)
    m.train()
    with torch.no_grad():  # non-trivial BN statistics and confident heads
        for _ in range(2):
            m(torch.randn(2, 1, 9, 150, 150) * 2 + 0.3)
        for h in m.heads.values():
            h.fc.weight.mul_(10)
    return m.eval()


class GradCAMTest(unittest.TestCase):
    def test_explicit_gradient_equals_autograd(self):
        m = calibrated()
        torch.manual_seed(3)
        x = torch.randn(2, 1, 9, 150, 150)
        for layer in LAYERS:
            with torch.no_grad():
                out = GradCAMExport(m, layer).eval()(x)
            ag = gradcam_autograd(m, x, layer)
            for i, t in enumerate(TASKS):
                heat = out[2 + i]
                self.assertEqual(tuple(heat.shape), (2, 150, 150))
                diff = float((heat - ag[t]["heatmap"]).abs().max())
                self.assertLessEqual(diff, 1e-4, f"{layer}/{t}: {diff}")
                self.assertTrue(torch.equal(out[4 + i], ag[t]["class"]))
                self.assertLessEqual(float((out[i] - ag[t]["probs"]).abs().max()), 1e-6)
                self.assertGreaterEqual(float(heat.min()), 0.0)
                self.assertAlmostEqual(float(heat.flatten(1).max(1).values.min()), 1.0, places=6)
                self.assertGreater(float(heat.std()), 0.01)  # a map, not a constant

    def test_single_task_model_has_a_blank_map_for_the_missing_head(self):
        m = calibrated("3d-single-vein")
        with torch.no_grad():
            lm, vein, s_lm, s_vein, c_lm, c_vein = GradCAMExport(m).eval()(torch.randn(1, 1, 9, 150, 150))
        self.assertTrue(torch.allclose(lm, torch.full_like(lm, 1 / 3)))
        self.assertEqual(float(s_lm.abs().max()), 0.0)
        self.assertEqual(int(c_lm[0]), -1)
        self.assertAlmostEqual(float(s_vein.max()), 1.0, places=6)

    @unittest.skipUnless(os.path.exists(TINY + ".onnx"), "tiny-random fixture not present")
    def test_network_rebuilt_from_onnx_initializers_matches_the_reference(self):
        m, meta = load_onnx_model(TINY + ".onnx")
        ref = json.load(open(TINY + ".reference.json", encoding="utf-8"))
        x = torch.from_numpy(np.load(TINY + ".reference.npy"))
        with torch.no_grad():
            out = m(x)
        for t in TASKS:
            self.assertLessEqual(float((torch.softmax(out[t], 1) - torch.tensor(ref["outputs"][t])).abs().max()), 1e-5)
        self.assertEqual(meta["autodvt.model_id"], ref["model_id"])

    @unittest.skipUnless(os.path.exists(TINY + ".gradcam.reference.json"), "gradcam fixture not present")
    def test_committed_reference_heatmaps_are_autograd_grad_cam(self):
        ref = json.load(open(TINY + ".gradcam.reference.json", encoding="utf-8"))
        m, _ = load_onnx_model(TINY + ".onnx")
        x = torch.from_numpy(np.load(os.path.join(os.path.dirname(TINY), ref["input"]["file"])))
        heat = np.load(os.path.join(os.path.dirname(TINY), ref["heatmaps"]["file"]))
        ag = gradcam_autograd(m, x, ref["layer"])
        for i, t in enumerate(ref["heatmaps"]["axis1"]):
            self.assertLessEqual(float(np.abs(heat[:, i] - ag[t]["heatmap"].numpy()).max()), 1e-5)
            self.assertEqual(ag[t]["class"].tolist(), ref["classes"][t])

    def test_export_writes_a_checked_graph_with_metadata_and_reference(self):
        import onnx

        m = calibrated()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.gradcam.onnx")
            x = torch.randn(1, 1, 9, 150, 150)
            info = export_gradcam(m, path, {"autodvt.model_id": "test@0"}, "head", x, "in.npy")
            self.assertLessEqual(info["explicit_vs_autograd_max_abs_diff"], 1e-4)
            g = onnx.load(path)
            onnx.checker.check_model(g)
            self.assertEqual([o.name for o in g.graph.output], OUTPUT_NAMES)
            meta = {p.key: p.value for p in g.metadata_props}
            self.assertEqual(meta["autodvt.mode"], "gradcam")
            self.assertEqual(json.loads(meta["autodvt.gradcam"])["layer_key"], "head")
            self.assertEqual(np.load(os.path.join(d, "m.gradcam.reference.npy")).shape, (1, 2, 150, 150))


if __name__ == "__main__":
    unittest.main()
