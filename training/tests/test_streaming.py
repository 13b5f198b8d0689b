"""Streaming (continual) model == window model after the 8-frame warm-up, in every form."""
import json
import os
import tempfile
import unittest

from . import _path  # noqa: F401

import torch

from autodvt.model import build_model
from autodvt.streaming import FORMS, StreamingAutoDVT, block_step_as_conv2d, init_state, run_stream, state_shapes, streaming_macs
from autodvt.onnx_export import WindowExport, export_streaming
from autodvt.time_fold import TapStep, block_shapes, tap_state_layout


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
    def test_stacked_conv2d_step_equals_the_conv3d_block(self):
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

    def test_tap_step_gives_the_conv3d_block_output_with_either_cache(self):
        m = calibrated(seed=5)
        torch.manual_seed(6)
        with torch.no_grad():
            for i, (blk, ((c, h, w), _)) in enumerate(zip(m.trunk.blocks, block_shapes(m.trunk))):
                x = torch.randn(2, c, 4, h, w)
                ref = blk(x)  # [2, O, 2, H', W']: outputs for slices 2 and 3
                for cache in ("inputs", "partial_sums"):
                    step = TapStep(blk, cache).eval()
                    like = x[:, :, 0] if cache == "inputs" else ref[:, :, 0]
                    s0, s1 = torch.zeros_like(like), torch.zeros_like(like)
                    for t in range(4):
                        y, s0, s1 = step(x[:, :, t], s0, s1)
                        if t >= 2:  # the first two outputs are warm-up from the zero state
                            diff = float((y - ref[:, :, t - 2]).abs().max())
                            self.assertLessEqual(diff, 1e-5 * max(1.0, float(ref.abs().max())), f"block {i} {cache} t={t}")
                self.assertGreater(float(ref.abs().max()), 1e-3)

    def test_tap_form_caches_the_smaller_of_inputs_and_partial_sums(self):
        layout = tap_state_layout(build_model("3d-dual").trunk)
        self.assertEqual([(s["block"], s["cache"]) for s in layout[::2]],
                         [(0, "inputs"), (1, "partial_sums"), (2, "partial_sums"), (3, "partial_sums")])

    def test_stream_equals_window_after_warmup_in_every_form(self):
        m = calibrated()
        torch.manual_seed(1)
        clip = torch.randn(2, 1, 13, 150, 150)
        w = WindowExport(m).eval()
        with torch.no_grad():
            wins = [w(clip[:, :, t - 8:t + 1]) for t in range(8, 13)]
        for form in FORMS:
            slm, sv = run_stream(m, clip, form)
            worst = max(max(float((lm - slm[:, t]).abs().max()), float((v - sv[:, t]).abs().max()))
                        for t, (lm, v) in zip(range(8, 13), wins))
            self.assertLessEqual(worst, 1e-4, form)
            # and the outputs are not trivially uniform
            self.assertGreater(float(slm[:, 8:].std()), 1e-3, form)

    def test_state_shapes(self):
        m = build_model("3d-dual")
        self.assertEqual(state_shapes(m, 1),
                         [[1, 1, 150, 150]] * 2 + [[1, 32, 38, 38]] * 2 + [[1, 64, 19, 19]] * 2 + [[1, 64, 10, 10]] * 2)
        for form in ("stacked", "conv3d"):
            self.assertEqual(state_shapes(m, 1, form),
                             [[1, 1, 2, 150, 150], [1, 32, 2, 75, 75], [1, 32, 2, 38, 38], [1, 64, 2, 19, 19]])
        self.assertEqual(state_shapes(build_model("2d-dual"), 1), [])
        with self.assertRaises(ValueError):
            StreamingAutoDVT(m, "conv2d")

    def test_state_out_has_the_state_in_shapes(self):
        m = calibrated(seed=2)
        for form in FORMS:
            st = init_state(m, 3, form=form)
            with torch.no_grad():
                out = StreamingAutoDVT(m, form).eval()(torch.randn(3, 1, 1, 150, 150), *st)
            self.assertEqual([tuple(t.shape) for t in out[2:]], [tuple(t.shape) for t in st], form)

    def test_tap_export_writes_2d_convs_and_describes_its_state(self):
        import onnx

        m = calibrated(seed=9)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.streaming.onnx")
            info = export_streaming(m, path, {"mean": 0.5, "std": 0.25})
            self.assertEqual(info["form"], "taps")
            self.assertLessEqual(info["stream_vs_window_max_abs_diff"], 1e-4)
            g = onnx.load(path)
            inits = {i.name: len(i.dims) for i in g.graph.initializer}
            ops = [n.op_type for n in g.graph.node]
            self.assertNotIn("Concat", ops)
            convs = [inits[n.input[1]] for n in g.graph.node if n.op_type == "Conv"]
            self.assertEqual(convs, [4] * (3 * 4 + 2 * 3))  # 3 taps per trunk block + the heads
            meta = {p.key: p.value for p in g.metadata_props}
            spec = json.loads(meta["autodvt.streaming"])
            self.assertEqual(spec["form"], "taps")
            self.assertEqual([s["input"] for s in spec["state"]], [f"state_in_{i}" for i in range(8)])
            self.assertEqual([s["shape"] for s in spec["state"]],
                             [["batch"] + s[1:] for s in state_shapes(m, 1)])
            self.assertEqual([i.name for i in g.graph.input], ["frame"] + [f"state_in_{i}" for i in range(8)])
            with open(os.path.join(d, "m.streaming.reference.json"), encoding="utf-8") as f:
                self.assertEqual(json.load(f)["state_shapes"], state_shapes(m, 1))

    def test_stacked_export_is_still_available(self):
        import onnx

        m = calibrated(seed=9)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.streaming.onnx")
            info = export_streaming(m, path, {"mean": 0.5, "std": 0.25}, form="stacked")
            self.assertLessEqual(info["stream_vs_window_max_abs_diff"], 1e-4)
            self.assertEqual(len(onnx.load(path).graph.input), 1 + 4)

    def test_macs_per_frame(self):
        self.assertEqual(streaming_macs(build_model("3d-dual"))["total"], 149_533_408)


if __name__ == "__main__":
    unittest.main()
