"""fit_image_statistics: the distance, the SD floor, leave-one-subject-out, the stored record.

(The statistics themselves are computed by src/model/image-statistics.ts, at fit time through
training/image_features.ts; test/model/image-statistics.test.ts checks them and the score.)
"""
import json
import os
import shutil
import tempfile
import unittest

from . import _path  # noqa: F401

import numpy as np
import onnx

from fit_image_statistics import META_KEY, fit, leave_one_subject_out, main, scores

MODELS = os.path.join(os.path.dirname(_path.ROOT), "models", "test")
NAMES = [f"s{i}" for i in range(4)]


def write_features(prefix, x, exams):
    x.astype("<f8").tofile(prefix + ".f64")
    with open(prefix + ".json", "w") as f:
        json.dump({"features": NAMES, "exams": exams}, f)


class ImageStatisticsFitTest(unittest.TestCase):
    def test_the_score_is_the_mahalanobis_distance_of_the_standardised_statistics(self):
        rng = np.random.default_rng(0)
        x = rng.normal([10, 20, 30, 40], [1, 2, 3, 4], (2000, 4))
        st = fit(x, shrinkage=0.0)
        self.assertTrue(np.allclose(st["precision"], np.linalg.inv(np.corrcoef((x - st["mean"]) / st["sd"], rowvar=False)), atol=1e-6))
        s = scores(np.array([st["mean"], st["mean"] + 10 * st["sd"] * np.array([1, 0, 0, 0])]), st)
        self.assertLess(s[0], 1e-6)
        self.assertAlmostEqual(s[1], 10.0, delta=0.5)

    def test_a_statistic_constant_in_training_gets_a_floor_not_an_infinite_distance(self):
        rng = np.random.default_rng(1)
        x = np.column_stack([rng.normal(0, 1, (500, 3)), np.zeros(500)])
        st = fit(x, shrinkage=0.1)
        self.assertAlmostEqual(st["sd"][3], 0.01)
        far = scores(np.array([[0, 0, 0, 0.05]]), st)[0]
        self.assertTrue(np.isfinite(far))
        self.assertGreater(far, 3.0)  # 5% of the pixels where training had none: far, but finite

    def test_leave_one_subject_out_scores_each_subject_by_the_others(self):
        rng = np.random.default_rng(2)
        x = np.concatenate([rng.normal(0, 1, (100, 4)), rng.normal(0, 1, (100, 4)), rng.normal(8, 1, (100, 4))])
        subjects = np.repeat(["a", "b", "c"], 100)
        held = leave_one_subject_out(x, subjects, 0.1)
        self.assertGreater(held[subjects == "c"].mean(), 3 * held[subjects == "a"].mean())

    def test_main_writes_the_record_into_every_form_and_reports_held_out_sets(self):
        tmp = tempfile.mkdtemp()
        try:
            for name in ("tiny-random.onnx", "tiny-random.streaming.onnx", "tiny-random.gradcam.onnx"):
                shutil.copy(os.path.join(MODELS, name), tmp)
            rng = np.random.default_rng(3)
            exams = [{"examId": f"e{i}", "subjectId": f"p{i}", "split": "train" if i < 4 else "test", "frames": 50} for i in range(6)]
            write_features(os.path.join(tmp, "fit"), rng.normal(0, 1, (300, 4)), exams)
            write_features(os.path.join(tmp, "far"), rng.normal(20, 1, (50, 4)), [{"examId": "x", "subjectId": "q", "split": "test", "frames": 50}])
            record = main(["--model", os.path.join(tmp, "tiny-random.onnx"), "--fit", os.path.join(tmp, "fit"),
                           "--report", f"test={os.path.join(tmp, 'fit')}:test", f"far={os.path.join(tmp, 'far')}"])
            self.assertEqual(record["heldOut"]["leaveOneSubjectOut"]["subjects"], 4)  # the test split is not fitted
            self.assertEqual(record["heldOut"]["far"]["unknown"], 1.0)
            self.assertLess(record["heldOut"]["test"]["unknown"], 0.1)
            for name in ("tiny-random.onnx", "tiny-random.streaming.onnx", "tiny-random.gradcam.onnx"):
                props = {p.key: p.value for p in onnx.load(os.path.join(tmp, name)).metadata_props}
                stored = json.loads(props[META_KEY])
                self.assertEqual(stored["features"], NAMES)
                self.assertEqual(len(stored["precision"]), 16)
                self.assertEqual(stored["threshold"], record["threshold"])
            main(["--model", os.path.join(tmp, "tiny-random.onnx"), "--fit", os.path.join(tmp, "fit")])  # again: replaced, not added
            keys = [p.key for p in onnx.load(os.path.join(tmp, "tiny-random.onnx")).metadata_props]
            self.assertEqual(keys.count(META_KEY), 1)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
