"""Shared helpers for the training/*.py command-line scripts (puts the package on sys.path)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def stem_of(path: str) -> str:
    return path[:-5] if path.endswith(".onnx") else path
