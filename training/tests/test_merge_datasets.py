"""merge_datasets: shards merged keep their splits; a subject in two shards is refused."""
import json
import os
import tempfile
import unittest

from . import _path  # noqa: F401

import numpy as np

from autodvt.data import load_split
from autodvt.fakedata import write_fake_dataset
from merge_datasets import merge_datasets


def _rename_subjects(root: str, prefix: str) -> None:
    path = os.path.join(root, "index.json")
    with open(path) as f:
        idx = json.load(f)
    for ex in idx["exams"]:
        ex["subjectId"] = prefix + ex["subjectId"]
        old = os.path.join(root, ex["file"])
        ex["examId"] = prefix + ex["examId"]
        ex["file"] = f"frames/{ex['examId']}.npy"
        os.rename(old, os.path.join(root, ex["file"]))
    with open(path, "w") as f:
        json.dump(idx, f)


class MergeDatasetsTest(unittest.TestCase):
    def test_merged_folder_holds_every_exam_with_its_split_and_frames(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b, out = (os.path.join(tmp, n) for n in ("a", "b", "out"))
            write_fake_dataset(a, subjects=5, frames=20, seed=1)
            write_fake_dataset(b, subjects=5, frames=20, seed=2)
            _rename_subjects(b, "b-")
            index = merge_datasets(out, [a, b])
            self.assertEqual(len(index["exams"]), 10)
            self.assertEqual(index["mergedFrom"], ["a", "b"])
            splits = [ex["split"] for ex in index["exams"]]
            self.assertEqual((splits.count("train"), splits.count("val"), splits.count("test")), (6, 2, 2))
            for ex in index["exams"]:
                shard = a if not ex["examId"].startswith("b-") else b
                np.testing.assert_array_equal(np.load(os.path.join(out, ex["file"])), np.load(os.path.join(shard, ex["file"])))
            self.assertEqual(len(load_split(out, "train")), len(load_split(a, "train")) + len(load_split(b, "train")))

    def test_a_subject_in_two_shards_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
            write_fake_dataset(a, subjects=3, frames=20, seed=1)
            write_fake_dataset(b, subjects=3, frames=20, seed=2)
            with self.assertRaisesRegex(ValueError, "fake-s000 is in .*a and in .*b"):
                merge_datasets(os.path.join(tmp, "out"), [a, b])

    def test_shards_of_another_frame_size_are_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
            write_fake_dataset(a, subjects=3, frames=20, seed=1)
            write_fake_dataset(b, subjects=3, frames=20, seed=2)
            _rename_subjects(b, "b-")
            with open(os.path.join(b, "index.json")) as f:
                idx = json.load(f)
            idx["landmarkCodes"] = {"BG": 2, "LM1": 1, "LM2": 0}
            with open(os.path.join(b, "index.json"), "w") as f:
                json.dump(idx, f)
            with self.assertRaisesRegex(ValueError, "landmarkCodes"):
                merge_datasets(os.path.join(tmp, "out"), [a, b])


if __name__ == "__main__":
    unittest.main()
