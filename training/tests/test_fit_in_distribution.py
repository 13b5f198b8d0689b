"""fit_in_distribution: the score's statistics, the graph it adds to every form, re-runs.

(Numerical parity of the added subgraph in onnxruntime is checked by
test/stages/onnx-inference/in-distribution.test.ts against the reference values this script
writes; Python has no onnxruntime here.)
"""
import json
import os
import shutil
import tempfile
import unittest

from . import _path  # noqa: F401

import numpy as np
import onnx

from autodvt.fakedata import write_fake_dataset
from fit_in_distribution import OUTPUT, fit_statistics, main, pooled_features, scores

MODELS = os.path.join(os.path.dirname(_path.ROOT), "models", "test")


class StatisticsTest(unittest.TestCase):
    def test_the_score_is_the_mahalanobis_distance_to_the_nearest_class_mean(self):
        rng = np.random.default_rng(0)
        a = rng.normal(0, 1, (400, 4))
        b = rng.normal(5, 1, (400, 4))
        c = rng.normal(-5, 1, (400, 4))
        f = np.concatenate([a, b, c])
        y = np.repeat([0, 1, 2], 400)
        st = fit_statistics(f, y, shrinkage=0.0)
        self.assertTrue(np.allclose(st["w"] @ st["w"].T, np.linalg.inv(st["covariance"])))
        x = np.array([[5.0, 5.0, 5.0, 5.0], [0.0, 0.0, 0.0, 30.0]])
        got = scores(x, st)
        want = [min(np.sqrt((v - m) @ np.linalg.inv(st["covariance"]) @ (v - m)) for m in st["means"]) for v in x]
        self.assertTrue(np.allclose(got, want))
        self.assertLess(got[0], 1.0)  # at a class mean
        self.assertGreater(got[1], 20.0)  # far from every class

    def test_a_class_without_windows_is_refused_with_a_message(self):
        with self.assertRaisesRegex(ValueError, "class 1 has 0 fitting windows"):
            fit_statistics(np.zeros((10, 3)), np.zeros(10, int))


class FitTest(unittest.TestCase):
    def test_every_form_gets_the_output_and_metadata_and_a_rerun_replaces_it(self):
        with tempfile.TemporaryDirectory() as d:
            for f in os.listdir(MODELS):
                shutil.copy(os.path.join(MODELS, f), d)
            data = os.path.join(d, "data")
            write_fake_dataset(data, subjects=10, frames=30)
            model = os.path.join(d, "tiny-random.onnx")
            args = ["--model", model, "--data", data, "--fit-windows", "60", "--heldout-windows", "40", "--threads", "1"]
            meta = main(args)
            self.assertEqual(meta["output"], OUTPUT)
            self.assertGreater(meta["threshold"], 0)
            self.assertLessEqual(meta["heldOut"]["val"]["unknownFraction"], 0.05)
            sizes = {}
            for form in ("tiny-random.onnx", "tiny-random.streaming.onnx", "tiny-random.gradcam.onnx"):
                m = onnx.load(os.path.join(d, form))
                onnx.checker.check_model(m)
                self.assertEqual([o.name for o in m.graph.output].count(OUTPUT), 1)
                stored = json.loads({p.key: p.value for p in m.metadata_props}["autodvt.in_distribution"])
                self.assertEqual(stored["threshold"], meta["threshold"])
                pooled_features(m.graph)  # still finds the heads
                sizes[form] = len(m.graph.node)
            ref = json.load(open(os.path.join(d, "tiny-random.reference.json")))
            self.assertEqual(len(ref["outputs"][OUTPUT]), 2)
            main(args)
            for form, n in sizes.items():
                m = onnx.load(os.path.join(d, form))
                self.assertEqual(len(m.graph.node), n, form)
                self.assertEqual([p.key for p in m.metadata_props].count("autodvt.in_distribution"), 1)


if __name__ == "__main__":
    unittest.main()
