"""AutoDVT training package: the Table 1 network, data loading, training, export."""

__all__ = ["model", "data", "metrics", "streaming", "onnx_export", "fakedata", "trainer"]
