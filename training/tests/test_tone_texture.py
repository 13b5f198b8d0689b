"""Tone/texture augmentation (autodvt/tone_texture.py) and the still-hold window weights
(autodvt/still_hold.py)."""
import unittest

from . import _path  # noqa: F401

import numpy as np
import torch

from autodvt.data import SplitData
from autodvt.still_hold import frames_since_closure, still_hold_window_weights
from autodvt.tone_texture import tone_texture


def windows(seed=0, batch=6):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(batch, 9, 150, 150, generator=g)


class ToneTextureTest(unittest.TestCase):
    def test_keeps_shape_dtype_and_the_unit_range(self):
        x = windows()
        y = tone_texture(x, torch.Generator().manual_seed(1), p=1.0)
        self.assertEqual(y.shape, x.shape)
        self.assertEqual(y.dtype, x.dtype)
        self.assertGreaterEqual(float(y.min()), 0.0)
        self.assertLessEqual(float(y.max()), 1.0)
        self.assertFalse(torch.equal(x, y))

    def test_applies_the_same_transform_to_all_nine_frames(self):
        frame = torch.rand(1, 1, 150, 150, generator=torch.Generator().manual_seed(2))
        x = frame.expand(4, 9, 150, 150).contiguous()  # every frame of a window the same
        y = tone_texture(x, torch.Generator().manual_seed(3), p=1.0)
        for t in range(1, 9):
            self.assertTrue(torch.equal(y[:, t], y[:, 0]))
        self.assertFalse(torch.allclose(y[0, 0], y[1, 0]))  # but each window draws its own

    def test_is_the_identity_at_p_0_and_draws_nothing(self):
        x = windows()
        g = torch.Generator().manual_seed(4)
        state = g.get_state()
        self.assertIs(tone_texture(x, g, p=0.0), x)
        self.assertTrue(torch.equal(g.get_state(), state))

    def test_draws_the_same_for_the_same_seed(self):
        x = windows()
        a = tone_texture(x, torch.Generator().manual_seed(5), p=0.5)
        b = tone_texture(x, torch.Generator().manual_seed(5), p=0.5)
        self.assertTrue(torch.equal(a, b))

    def test_rejects_a_probability_outside_0_1(self):
        with self.assertRaises(ValueError):
            tone_texture(windows(), torch.Generator(), p=1.5)


class StillHoldTest(unittest.TestCase):
    def split(self, veins):
        """A split of exams with the given vein labels (1 closed, 0 open, -1 none), one window per
        frame from the 9th on."""
        vein = torch.tensor(np.concatenate(veins), dtype=torch.int64)
        ends, starts = [], 0
        for v in veins:
            ends.extend(range(starts + 8, starts + len(v)))
            starts += len(v)
        n = vein.shape[0]
        return SplitData(torch.zeros(n, 2, 2, dtype=torch.uint8), torch.zeros(n, dtype=torch.int64), vein,
                         torch.tensor(ends), [f"e{i}" for i in range(len(veins))], torch.zeros(len(ends)))

    def test_counts_frames_since_closure_per_run_and_per_exam(self):
        a = [0] * 3 + [1] * 12 + [0] * 2 + [1] * 3
        b = [1] * 10  # starts closed: its run begins at its own first frame, not in exam a
        age = frames_since_closure(self.split([a, b]), [len(a), len(b)])
        self.assertEqual(age[:3].tolist(), [-1, -1, -1])
        self.assertEqual(age[3:15].tolist(), list(range(12)))
        self.assertEqual(age[15:20].tolist(), [-1, -1, 0, 1, 2])
        self.assertEqual(age[20:].tolist(), list(range(10)))

    def test_weights_closed_windows_eight_or_more_frames_into_the_hold(self):
        a = [0] * 9 + [1] * 11
        split = self.split([a])
        w = still_hold_window_weights(split, [len(a)], 4.0)
        ages = frames_since_closure(split, [len(a)])[split.ends.numpy()]
        self.assertEqual(w.shape, (len(split),))
        self.assertTrue(torch.equal(w, torch.tensor(np.where(ages >= 8, 4.0, 1.0))))
        self.assertEqual(int((w == 4.0).sum()), 3)  # ages 8, 9, 10


if __name__ == "__main__":
    unittest.main()
