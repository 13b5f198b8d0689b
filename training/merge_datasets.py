"""Merge dataset folders written by the `dataset` sink (for example shards generated in
parallel with different seeds) into one folder that training reads.

  /usr/bin/python3 training/merge_datasets.py OUT SHARD [SHARD ...] [--link]

Each exam keeps the split its shard gave it: every shard is already split by subject,
so the merged set is too, as long as no subject appears in two shards (checked: a
subject in two shards could land in two splits, which would leak test subjects into
training). Frames files are copied (or hard-linked with --link).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from typing import List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from autodvt.data import load_index  # noqa: E402


def merge_datasets(out: str, shards: List[str], link: bool = False) -> dict:
    if not shards:
        raise ValueError("no shard folders given")
    merged = None
    exams = []
    subject_shard = {}
    exam_ids = set()
    for shard in shards:
        idx = load_index(shard)
        header = {k: v for k, v in idx.items() if k != "exams"}
        if merged is None:
            merged = header
        else:
            for key in ("frameSize", "landmarkCodes", "openCodes"):
                if header.get(key) != merged.get(key):
                    raise ValueError(f"{shard}/index.json: {key} {header.get(key)} differs from {shards[0]}: {merged.get(key)}")
        for ex in idx["exams"]:
            other = subject_shard.setdefault(ex["subjectId"], shard)
            if other != shard:
                raise ValueError(f"subject {ex['subjectId']} is in {other} and in {shard}: generate the shards with different seeds")
            if ex["examId"] in exam_ids:
                raise ValueError(f"exam {ex['examId']} appears twice ({shard})")
            exam_ids.add(ex["examId"])
            exams.append((shard, ex))
    os.makedirs(os.path.join(out, "frames"), exist_ok=True)
    out_exams = []
    for shard, ex in exams:
        src = os.path.join(shard, ex["file"])
        rel = os.path.join("frames", os.path.basename(ex["file"]))
        dst = os.path.join(out, rel)
        if os.path.exists(dst):
            os.remove(dst)
        if link:
            os.link(src, dst)
        else:
            shutil.copyfile(src, dst)
        out_exams.append({**ex, "file": rel})
    index = {**merged, "mergedFrom": [os.path.basename(os.path.normpath(s)) for s in shards], "exams": out_exams}
    with open(os.path.join(out, "index.json"), "w", encoding="utf-8") as f:
        json.dump(index, f)
    return index


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("shards", nargs="+")
    ap.add_argument("--link", action="store_true", help="hard-link the frames files instead of copying them")
    a = ap.parse_args()
    index = merge_datasets(a.out, a.shards, a.link)
    counts = {}
    for ex in index["exams"]:
        counts[ex["split"]] = counts.get(ex["split"], 0) + 1
    print(f"merged {len(a.shards)} folders into {a.out}: {len(index['exams'])} exams, {counts}")


if __name__ == "__main__":
    main()
