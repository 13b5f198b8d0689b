"""ablation.py's table over several seeds, and the notes it keeps when it rewrites the file."""
import os
import tempfile
import unittest

from . import _path  # noqa: F401

import ablation


def _summary(seed, oc_by_variant, sha="abc123", epochs=8):
    runs = {}
    for _, variants in ablation.ROWS:
        for v in variants:
            oc = oc_by_variant.get(v, 0.5)
            runs[v] = {"test": {"table2": {"O/C": oc, "LM1": 0.9, "LM2": 0.8, "BG": 0.7}},
                       "training": {"epochs_run": epochs, "best_epoch": seed, "train_seconds": 10.0 + seed, "params": 1000}}
    return {"generated": f"2026-11-26T00:0{seed}:00+00:00", "device": "cuda (test)", "torch": "2.x",
            "settings": {"epochs": epochs, "windows_per_epoch": 8192, "batch": 32, "seed": seed},
            "data": {"sha256": sha, "windows": {"train": 10, "val": 5, "test": 5},
                     "counts": {"train": {"subjects": 6}, "val": {"subjects": 2}, "test": {"subjects": 2}}},
            "runs": runs}


class AblationTableTest(unittest.TestCase):
    def test_mean_over_seeds_with_each_seed_beside_it(self):
        a = _summary(0, {"2d-dual-aug": 0.90, "3d-dual-aug": 0.80})
        b = _summary(1, {"2d-dual-aug": 0.94, "3d-dual-aug": 0.84})
        md = ablation.markdown_seeds([a, b])
        self.assertIn("| 3 | Dual-task + Aug (`2d-dual-aug`) | 0.920 (0.900 / 0.940) | 0.900 | 0.800 | 0.700 | 8 (1 / 2) | 10 s |", md)
        self.assertIn("| 6 | Dual-task + Aug + Temp (`3d-dual-aug`) | 0.820 (0.800 / 0.840) |", md)
        self.assertIn("seeds 0, 1", md)
        self.assertIn("did not hold here: the best mean O/C F1 is 0.920 (Dual-task + Aug)", md)
        self.assertIn("Every seed of the winner is above every seed", md)

    def test_overlapping_seeds_are_called_noise(self):
        a = _summary(0, {"2d-dual-aug": 0.90, "3d-dual-aug": 0.92})
        b = _summary(1, {"2d-dual-aug": 0.96, "3d-dual-aug": 0.86})
        md = ablation.markdown_seeds([a, b])
        self.assertIn("best mean O/C F1 is 0.930 (Dual-task + Aug)", md)
        self.assertIn("within seed noise", md)

    def test_the_paper_ordering_holding_is_said(self):
        md = ablation.markdown_seeds([_summary(0, {"3d-dual-aug": 0.95}), _summary(1, {"3d-dual-aug": 0.97})])
        self.assertIn("held here: mean O/C F1 0.960 over 2 seeds", md)

    def test_runs_on_other_data_or_settings_or_the_same_seed_are_refused(self):
        with self.assertRaisesRegex(ValueError, "different data"):
            ablation.markdown_seeds([_summary(0, {}), _summary(1, {}, sha="other")])
        with self.assertRaisesRegex(ValueError, "differ in epochs"):
            ablation.markdown_seeds([_summary(0, {}), _summary(1, {}, epochs=4)])
        with self.assertRaisesRegex(ValueError, "same seed"):
            ablation.markdown_seeds([_summary(0, {}), _summary(0, {})])

    def test_notes_after_the_marker_survive_a_rewrite(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "ablation.md")
            with open(path, "w") as f:
                f.write("old table\n\n" + ablation.NOTES_MARKER + "\n## Reading it\nkeep me\n")
            md = ablation.keep_notes("new table\n", path)
            self.assertTrue(md.startswith("new table\n"))
            self.assertNotIn("old table", md)
            self.assertTrue(md.endswith(ablation.NOTES_MARKER + "\n## Reading it\nkeep me\n"))
            self.assertEqual(ablation.keep_notes("t\n", os.path.join(tmp, "missing.md")), "t\n")


if __name__ == "__main__":
    unittest.main()
