"""Dataset reading, windows/labels, masked loss, augmentation, determinism."""
import json
import os
import tempfile
import unittest

from . import _path  # noqa: F401

import numpy as np
import torch

from autodvt.data import augment, load_split
from autodvt.fakedata import write_fake_dataset
from autodvt.trainer import masked_ce


class DataTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = cls.tmp.name
        write_fake_dataset(cls.root, subjects=5, frames=20, seed=3)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_windows_and_labels(self):
        with open(os.path.join(self.root, "index.json")) as f:
            idx = json.load(f)
        tr = load_split(self.root, "train")
        exams = [e for e in idx["exams"] if e["split"] == "train"]
        self.assertEqual(tr.frames.shape[0], sum(e["frames"] for e in exams))
        e0 = exams[0]
        arr = np.load(os.path.join(self.root, e0["file"]))
        first_end = int(tr.ends[0])
        self.assertGreaterEqual(first_end, 8)
        w = tr.windows(tr.ends[:1])[0].numpy()
        np.testing.assert_array_equal(w, arr[first_end - 8:first_end + 1])
        lm, vein = tr.labels(tr.ends[:1])
        self.assertEqual(int(lm[0]), e0["landmark"][first_end])
        op = e0["open"][first_end]
        self.assertEqual(int(vein[0]), -1 if op < 0 else 1 - op)
        # no window crosses an exam boundary
        starts = np.cumsum([0] + [e["frames"] for e in exams])[:-1]
        for s in starts:
            self.assertFalse(((tr.ends.numpy() >= s) & (tr.ends.numpy() < s + 8)).any())

    def test_masked_ce_ignores_missing(self):
        logits = torch.randn(4, 3, requires_grad=True)
        loss, n = masked_ce(logits, torch.tensor([-1, -1, -1, -1]))
        self.assertEqual(n, 0)
        self.assertEqual(float(loss), 0.0)
        loss.backward()
        loss2, n2 = masked_ce(logits, torch.tensor([0, -1, 2, -1]))
        ref = torch.nn.functional.cross_entropy(logits[[0, 2]], torch.tensor([0, 2]))
        self.assertAlmostEqual(float(loss2), float(ref), places=5)

    def test_masked_ce_class_weight_matches_torch_weighted_mean(self):
        logits = torch.randn(5, 2)
        target = torch.tensor([0, 1, -1, 1, 0])
        w = torch.tensor([1.0, 3.0])
        loss, n = masked_ce(logits, target, w)
        keep = target >= 0
        ref = torch.nn.functional.cross_entropy(logits[keep], target[keep], weight=w)  # weighted mean
        self.assertEqual(n, 4)
        self.assertAlmostEqual(float(loss), float(ref), places=5)
        self.assertNotAlmostEqual(float(loss), float(masked_ce(logits, target)[0]), places=3)
        zero, _ = masked_ce(logits, torch.tensor([-1, -1, -1, -1, -1]), w)
        self.assertEqual(float(zero), 0.0)

    def test_augment_same_for_all_frames_and_seeded(self):
        x = torch.randint(0, 256, (3, 1, 150, 150), dtype=torch.uint8).repeat(1, 9, 1, 1)
        a = augment(x, torch.Generator().manual_seed(5))
        b = augment(x, torch.Generator().manual_seed(5))
        self.assertTrue(torch.equal(a, b))
        for t in range(1, 9):  # the same warp for every frame (up to float rounding of vectorised kernels)
            self.assertLessEqual(float((a[:, 0] - a[:, t]).abs().max()), 1e-5)
        self.assertFalse(torch.equal(a, x.float() / 255))
        self.assertGreaterEqual(float(a.min()), 0.0)
        self.assertLessEqual(float(a.max()), 1.0)


if __name__ == "__main__":
    unittest.main()
