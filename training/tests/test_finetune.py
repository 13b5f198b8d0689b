"""finetune.py with --boundary-weight, --still-hold-weight and --tone-texture-p: the weighted draws and the
augmentation reach the trainer and the export records them."""
import json
import os
import tempfile
import unittest

from . import _path  # noqa: F401

import onnx

from autodvt.fakedata import write_fake_dataset

HERE = os.path.dirname(os.path.abspath(__file__))
INIT = os.path.join(HERE, "..", "..", "models", "test", "tiny-random.onnx")


class FinetuneBoundaryWeightTest(unittest.TestCase):
    def test_boundary_weight_is_recorded_in_the_exported_model(self):
        import finetune

        with tempfile.TemporaryDirectory() as d:
            data = os.path.join(d, "data")
            index = write_fake_dataset(data, subjects=5, frames=24, seed=7)
            # Every other frame shows a healthy vein nearly closed (area 0.2): a boundary frame.
            exams = {e["examId"]: {"thrombus": [0] * e["frames"],
                                   "veinAreaRatio": [0.2 if i % 2 else 0.9 for i in range(e["frames"])]}
                     for e in index["exams"]}
            with open(os.path.join(data, "frame-truth.json"), "w") as f:
                json.dump({"format": "autodvt-phantom-frame-truth", "version": 1, "exams": exams}, f)
            out = os.path.join(d, "out", "m.onnx")
            finetune.main(["--init", INIT, "--data", data, "--out", out, "--epochs", "1",
                           "--windows-per-epoch", "8", "--batch", "4", "--boundary-weight", "3", "--threads", "1"])
            meta = {p.key: p.value for p in onnx.load(out).metadata_props}
            sampling = json.loads(meta["autodvt.training"])["sampling"]
            self.assertIn("drawn 3x as often", sampling)
            self.assertIn("50.0% of the training windows", sampling)

    def test_boundary_weight_needs_the_frame_truth(self):
        import finetune

        with tempfile.TemporaryDirectory() as d:
            data = os.path.join(d, "data")
            write_fake_dataset(data, subjects=5, frames=24, seed=7)
            with self.assertRaisesRegex(SystemExit, "phantom-frame-truth"):
                finetune.main(["--init", INIT, "--data", data, "--out", os.path.join(d, "m.onnx"),
                               "--boundary-weight", "3"])


class FinetuneStillHoldAndToneTest(unittest.TestCase):
    def test_still_hold_weight_and_tone_texture_are_recorded_in_the_exported_model(self):
        import finetune

        with tempfile.TemporaryDirectory() as d:
            data = os.path.join(d, "data")
            write_fake_dataset(data, subjects=5, frames=24, seed=7)
            out = os.path.join(d, "out", "m.onnx")
            finetune.main(["--init", INIT, "--data", data, "--out", out, "--epochs", "1",
                           "--windows-per-epoch", "8", "--batch", "4", "--still-hold-weight", "3",
                           "--tone-texture-p", "0.5", "--threads", "1"])
            training = json.loads({p.key: p.value for p in onnx.load(out).metadata_props}["autodvt.training"])
            self.assertIn("frames after closure (a still hold) drawn 3x as often", training["sampling"])
            self.assertEqual(training["augmentation"]["tone_texture"]["p"], 0.5)


if __name__ == "__main__":
    unittest.main()
