"""Streaming (continual) model == window model after the 8-frame warm-up."""
import unittest

from . import _path  # noqa: F401

import torch

from autodvt.model import build_model
from autodvt.streaming import block_step_as_conv2d, run_stream, state_shapes, streaming_macs
from autodvt.onnx_export import WindowExport


def calibrated(variant="3d-dual", seed=0):
    torch.manual_seed(seed)
    m = build_model(variant)
    m.train()
    with torch.no_grad():  # non-trivial BN running statistics
        for _ in range(2):
            m(torch.randn(2, 1, 9, 150, 150) * 2 + 0.3)
        for h in m.heads.values():
            h.fc.weight.mul_(10)
    return m.eval()


class StreamingTest(unittest.TestCase):
    def test_time_folded_conv2d_step_equals_the_conv3d_block(self):
        # run_stream uses the folded form (as exported); it must equal the model's own Conv3d blocks
        m = calibrated(seed=3)
        torch.manual_seed(4)
        x = torch.randn(2, 1, 3, 150, 150)
        with torch.no_grad():
            for blk in m.trunk.blocks:
                ref = blk(x)
                got = block_step_as_conv2d(blk, x)
                self.assertEqual(tuple(got.shape), tuple(ref.shape))
                self.assertLessEqual(float((got - ref).abs().max()), 1e-4)
                self.assertGreater(float(ref.abs().max()), 1e-3)
                x = torch.cat([torch.randn_like(ref), torch.randn_like(ref), ref], dim=2)

    def test_stream_equals_window_after_warmup(self):
        m = calibrated()
        torch.manual_seed(1)
        clip = torch.randn(2, 1, 13, 150, 150)
        slm, sv = run_stream(m, clip)
        w = WindowExport(m).eval()
        worst = 0.0
        with torch.no_grad():
            for t in range(8, 13):
                lm, v = w(clip[:, :, t - 8:t + 1])
                worst = max(worst, float((lm - slm[:, t]).abs().max()), float((v - sv[:, t]).abs().max()))
        self.assertLessEqual(worst, 1e-4)
        # and the outputs are not trivially uniform
        self.assertGreater(float(slm[:, 8:].std()), 1e-3)

    def test_state_shapes(self):
        self.assertEqual(state_shapes(build_model("3d-dual"), 1),
                         [[1, 1, 2, 150, 150], [1, 32, 2, 75, 75], [1, 32, 2, 38, 38], [1, 64, 2, 19, 19]])

    def test_macs_per_frame(self):
        self.assertEqual(streaming_macs(build_model("3d-dual"))["total"], 149_533_408)


if __name__ == "__main__":
    unittest.main()
