"""train_own_data.py: an interrupted run resumed with --resume ends with the same weights as an
uninterrupted one; a checkpoint made with other settings is refused; progress lines say time left."""
import json
import os
import tempfile
import unittest

from . import _path  # noqa: F401

import torch

from autodvt.fakedata import write_fake_dataset

HERE = os.path.dirname(os.path.abspath(__file__))
INIT = os.path.join(HERE, "..", "..", "models", "test", "tiny-random.onnx")


def run(data, out, work, epochs, *extra):
    import train_own_data

    return train_own_data.main(["--data", data, "--out", out, "--work", work, "--init", INIT,
                                "--epochs", str(epochs), "--windows-per-epoch", "8", "--batch", "4",
                                "--threads", "1", "--max-val-windows", "16", "--no-in-distribution",
                                "--result", os.path.join(work, "result.json"), *extra])


def weights(path):
    state = torch.load(path, map_location="cpu")["state_dict"]
    return {k: v for k, v in state.items() if v.is_floating_point()}


class ResumeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.data = os.path.join(cls.tmp.name, "data")
        write_fake_dataset(cls.data, subjects=5, frames=24, seed=3)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_a_resumed_run_ends_with_the_weights_of_an_uninterrupted_one(self):
        d = self.tmp.name
        straight = run(self.data, os.path.join(d, "a", "m.onnx"), os.path.join(d, "a", "work"), 2)
        # "interrupted" after epoch 1, then resumed to 2 epochs in the same work folder
        run(self.data, os.path.join(d, "b", "m.onnx"), os.path.join(d, "b", "work"), 1)
        resumed = run(self.data, os.path.join(d, "b", "m.onnx"), os.path.join(d, "b", "work"), 2, "--resume")
        self.assertEqual(len(resumed["history"]), 2)
        self.assertEqual([h["train_loss"] for h in resumed["history"]], [h["train_loss"] for h in straight["history"]])
        wa, wb = weights(os.path.join(d, "a", "m.pt")), weights(os.path.join(d, "b", "m.pt"))
        self.assertEqual(wa.keys(), wb.keys())
        for k in wa:
            self.assertTrue(torch.equal(wa[k], wb[k]), k)
        self.assertTrue(os.path.exists(os.path.join(d, "b", "work", "checkpoints", "epoch-001.pt")))
        self.assertEqual(resumed["initialModelOnTest"]["model_id"], json.loads(
            json.dumps(straight["initialModelOnTest"]))["model_id"])

    def test_resume_refuses_a_checkpoint_made_with_other_settings(self):
        d = self.tmp.name
        out, work = os.path.join(d, "c", "m.onnx"), os.path.join(d, "c", "work")
        run(self.data, out, work, 1)
        import train_own_data
        with self.assertRaises(SystemExit) as stop:
            train_own_data.main(["--data", self.data, "--out", out, "--work", work, "--init", INIT, "--epochs", "2",
                                 "--windows-per-epoch", "8", "--batch", "4", "--threads", "1", "--lr", "0.1",
                                 "--no-in-distribution", "--resume"])
        self.assertIn("other settings or data", str(stop.exception.code))


class ProgressLineTest(unittest.TestCase):
    def test_progress_line_gives_epoch_loss_validation_f1_and_time_left(self):
        from train_own_data import progress_line

        line = progress_line(1, 5, 0.4321, {"O/C": 0.8, "LM1": 0.7, "LM2": 0.6, "BG": 0.9}, [10.0, 20.0], True)
        self.assertEqual(line, "[train] epoch 2/5 loss 0.4321 | val F1 O/C 0.800 LM1 0.700 LM2 0.600 BG 0.900 "
                               "| 20.0s | time left ~45s *best")


if __name__ == "__main__":
    unittest.main()
