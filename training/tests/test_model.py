"""Table 1 shapes and parameter counts. Run: cd training && /usr/bin/python3 -m unittest discover -s tests"""
import unittest

from . import _path  # noqa: F401

import torch

from autodvt.model import Variant, build_model, layer_table, param_count, window_macs


class Table1Test(unittest.TestCase):
    def test_trunk_shapes_match_table1(self):
        rows = layer_table(build_model("3d-dual"), batch=2)
        trunk = [r for r in rows if r["layer"].startswith("trunk.")]
        self.assertEqual([r["type"] for r in trunk], ["Conv3d"] * 4)
        self.assertEqual([r["out"][1] for r in trunk], [32, 32, 64, 64])
        self.assertEqual([r["in"][2] for r in trunk] + [trunk[-1]["out"][2]], [9, 7, 5, 3, 1])
        self.assertEqual([r["in"][3] for r in trunk] + [trunk[-1]["out"][3]], [150, 75, 38, 19, 10])
        self.assertEqual([r["out"][4] for r in trunk], [75, 38, 19, 10])
        for t in ("landmark", "vein"):
            head = [r for r in rows if r["layer"].startswith(f"heads.{t}.blocks")]
            self.assertEqual(len(head), 3)
            for r in head:
                self.assertEqual(r["type"], "Conv2d")
                self.assertEqual(r["out"], [2, 128, 10, 10])
        fc = {r["layer"]: r["out"] for r in rows if r["type"] == "Linear"}
        self.assertEqual(fc["heads.landmark.fc"], [2, 3])
        self.assertEqual(fc["heads.vein.fc"], [2, 2])

    def test_kernels_strides_padding(self):
        m = build_model("3d-dual")
        for b in m.trunk.blocks:
            self.assertEqual(b.conv.kernel_size, (3, 3, 3))
            self.assertEqual(b.conv.stride, (1, 2, 2))
            self.assertEqual(b.conv.padding, (0, 1, 1))
        self.assertEqual(m.heads["landmark"].dropout.p, 0.5)

    def test_param_counts(self):
        p3 = param_count(build_model("3d-dual"))
        p2 = param_count(build_model("2d-dual"))
        self.assertEqual(p3, 934_245)
        self.assertEqual(p2, 938_247)
        self.assertLess(abs(p2 - p3) / p3, 0.01)
        self.assertEqual(param_count(build_model("3d-single-landmark")), 564_579)

    def test_2d_uses_newest_frame_only(self):
        torch.manual_seed(0)
        m = build_model("2d-dual").eval()
        x = torch.randn(2, 1, 9, 150, 150)
        y = x.clone()
        y[:, :, :8] = torch.randn(2, 1, 8, 150, 150)
        with torch.no_grad():
            a, b = m(x), m(y)
        # equal up to float rounding (CPU kernels may vectorise differently with buffer alignment)
        self.assertTrue(torch.allclose(a["landmark"], b["landmark"], rtol=0, atol=1e-5))
        self.assertTrue(torch.allclose(a["vein"], b["vein"], rtol=0, atol=1e-5))

    def test_variants(self):
        for name in ["3d-dual-aug", "3d-dual", "3d-single-landmark", "3d-single-vein", "2d-dual-aug", "2d-dual",
                     "2d-single-landmark", "2d-single-vein"]:
            v = Variant.parse(name)
            self.assertEqual(v.name, name)
            out = build_model(v).eval()(torch.zeros(1, 1, 9, 150, 150))
            self.assertEqual(set(out), set(v.tasks))
        with self.assertRaises(ValueError):
            Variant.parse("4d-dual")

    def test_macs(self):
        self.assertEqual(window_macs(build_model("3d-dual"))["total"], 378_311_968)


if __name__ == "__main__":
    unittest.main()
