"""Boundary-window weights from the phantom's frame truth, and weighted epoch order."""
import json
import os
import tempfile
import unittest

from . import _path  # noqa: F401

import numpy as np
import torch

from autodvt.data import load_index, load_split
from autodvt.fakedata import write_fake_dataset
from autodvt.frame_truth import boundary_frames, boundary_window_weights, load_frame_truth
from autodvt.trainer import Trainer, epoch_order


class FrameTruthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = cls.tmp.name
        cls.index = write_fake_dataset(cls.root, subjects=5, frames=20, seed=3)
        # Exam k: clot when k is odd; lumen area ratio falls linearly from 1 to 0 over the exam;
        # the first frame shows no main vein (-1).
        exams = {}
        for k, ex in enumerate(cls.index["exams"]):
            area = np.linspace(1.0, 0.0, ex["frames"])
            area[0] = -1
            exams[ex["examId"]] = {"thrombus": [k % 2] * ex["frames"], "veinAreaRatio": area.round(3).tolist()}
        cls.truth = {"format": "autodvt-phantom-frame-truth", "version": 1, "exams": exams}
        with open(os.path.join(cls.root, "frame-truth.json"), "w") as f:
            json.dump(cls.truth, f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def expected_flags(self, split):
        flags = []
        for k, ex in enumerate(self.index["exams"]):
            if ex["split"] != split:
                continue
            clot = k % 2 == 1
            for a in self.truth["exams"][ex["examId"]]["veinAreaRatio"]:
                flags.append(a >= 0 and (a < 0.8 if clot else a < 0.3))
        return np.array(flags)

    def test_boundary_frames_follow_the_split_frame_order(self):
        truth = load_frame_truth(self.root)
        for split in ("train", "val", "test"):
            got = boundary_frames(self.root, load_split(self.root, split), truth)
            np.testing.assert_array_equal(got, self.expected_flags(split))
        self.assertTrue(boundary_frames(self.root, load_split(self.root, "train"), truth).any())

    def test_window_weights_come_from_the_newest_frame(self):
        train = load_split(self.root, "train")
        flags = boundary_frames(self.root, train, load_frame_truth(self.root))
        w = boundary_window_weights(train, flags, 3.0)
        self.assertEqual(tuple(w.shape), (len(train),))
        ends = train.ends.numpy()
        np.testing.assert_array_equal(w.numpy(), np.where(flags[ends], 3.0, 1.0))
        self.assertTrue((w == 3.0).any() and (w == 1.0).any())

    def test_bad_truth_is_refused_with_the_exam_named(self):
        truth = json.loads(json.dumps(self.truth))
        first = self.index["exams"][0]["examId"]
        del truth["exams"][first]
        first_split = load_split(self.root, self.index["exams"][0]["split"])
        with self.assertRaisesRegex(ValueError, first):
            boundary_frames(self.root, first_split, truth)
        truth = json.loads(json.dumps(self.truth))
        truth["exams"][first]["thrombus"] = truth["exams"][first]["thrombus"][:-1]
        with self.assertRaisesRegex(ValueError, "frames"):
            boundary_frames(self.root, first_split, truth)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t.json")
            with open(path, "w") as f:
                json.dump({"format": "something-else", "version": 1}, f)
            with self.assertRaisesRegex(ValueError, "format"):
                load_frame_truth(d, path)
            with self.assertRaisesRegex(SystemExit, "phantom-frame-truth"):
                load_frame_truth(d)

    def test_weighted_epoch_order_draws_in_proportion(self):
        g = torch.Generator().manual_seed(0)
        weights = torch.tensor([0.0, 1.0, 3.0, 0.0], dtype=torch.float64)
        order = epoch_order(4, 40000, g, weights)
        counts = torch.bincount(order, minlength=4).double()
        self.assertEqual(int(counts[0]) + int(counts[3]), 0)
        self.assertAlmostEqual(float(counts[2] / counts[1]), 3.0, delta=0.15)

    def test_unweighted_epoch_order_covers_every_window(self):
        g = torch.Generator().manual_seed(0)
        order = epoch_order(7, 14, g)
        self.assertEqual(sorted(order[:7].tolist()), list(range(7)))
        self.assertEqual(sorted(order[7:].tolist()), list(range(7)))

    def test_trainer_refuses_weights_of_the_wrong_length(self):
        with self.assertRaisesRegex(ValueError, "one per training window"):
            Trainer(self.root, "3d-dual", device="cpu", sample_weights=torch.ones(3, dtype=torch.float64))


if __name__ == "__main__":
    unittest.main()
