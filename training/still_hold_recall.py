#!/usr/bin/env python3
"""Closed-window recall by time since closure, and per landmark visit, from per-window predictions
(with the Table 2 F1 of those predictions, argmax, as evaluate.py computes them).

  /usr/bin/python3 training/still_hold_recall.py DATA PREDICTIONS.json [MORE.json ...]

PREDICTIONS: the JSON list of scripts/missed-closed-analysis/predict.py (one row per test window:
exam, frame = the newest frame's index in its exam, vein = 0 open / 1 closed / -1, pClosed, pLm).
A closed window is called closed when pClosed > 0.5 (the argmax of two classes). Its age is the
newest frame's frames since closure (autodvt/still_hold.py: the run of closed labels it is in);
a visit is an exam's run of one landmark label. Prints one JSON object per predictions file.
"""
import json
import sys

import _common  # noqa: F401
import numpy as np

from autodvt.data import load_index
from autodvt.metrics import evaluate_predictions

BUCKETS = (("0-7", 0, 7), ("8-15", 8, 15), ("16+", 16, 1 << 30))


def ages_and_visits(exam: dict):
    """per frame: frames since closure (-1 if not closed), and a visit label 'LM1#k'/'LM2#k' (or None)."""
    vein = 1 - np.asarray(exam["open"])  # 1 closed, 0 open, 2 missing
    lm = exam["landmark"]
    age, run = [], -1
    for v in vein:
        run = run + 1 if v == 1 else -1
        age.append(run)
    visit, count, prev = [], {}, 0
    for l in lm:
        if l in (1, 2) and l != prev:
            count[l] = count.get(l, 0) + 1
        visit.append(f"LM{l}#{count[l]}" if l in (1, 2) else None)
        prev = l
    return age, visit


def recall(data: str, rows: list) -> dict:
    exams = {e["examId"]: e for e in load_index(data)["exams"]}
    cache = {k: ages_and_visits(e) for k, e in exams.items()}
    buckets = {name: [0, 0] for name, _, _ in BUCKETS}  # [called closed, closed windows]
    visits = {}
    for r in rows:
        if r["vein"] != 1:
            continue
        age, visit = cache[r["exam"]]
        a = age[r["frame"]]
        hit = int(r["pClosed"] > 0.5)
        for name, lo, hi in BUCKETS:
            if lo <= a <= hi:
                buckets[name][0] += hit
                buckets[name][1] += 1
        key = f"{r['exam'].replace('phantom-', '')} {visit[r['frame']]}"
        v = visits.setdefault(key, [0, 0])
        v[0] += hit
        v[1] += 1
    lm_t = np.array([r["lm"] for r in rows])
    vein_t = np.array([r["vein"] for r in rows])
    lm_p = np.array([int(np.argmax(r["pLm"])) for r in rows])
    vein_p = np.array([int(r["pClosed"] > 0.5) for r in rows])
    table2 = evaluate_predictions(lm_t, lm_p, vein_t, vein_p, ("landmark", "vein"))["table2"]
    still = [sum(buckets[n][i] for n in ("8-15", "16+")) for i in (0, 1)]
    return {"table2": {k: round(float(v), 3) for k, v in table2.items()},
            "by_frames_since_closure": {k: f"{h} / {n}" for k, (h, n) in buckets.items()},
            "still_hold_8_plus": {"called_closed": still[0], "closed_windows": still[1],
                                  "recall": round(still[0] / max(1, still[1]), 3)},
            "visits_with_most_missed": {k: f"{n - h} missed / {n}" for k, (h, n) in
                                        sorted(visits.items(), key=lambda kv: kv[1][0] - kv[1][1])[:10]},
            "visits_half_or_more_missed": sum(1 for h, n in visits.values() if n - h >= n / 2),
            "visits": len(visits)}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2:
        raise SystemExit(__doc__)
    data = argv[0]
    for path in argv[1:]:
        with open(path, "r", encoding="utf-8") as f:
            print(json.dumps({"predictions": path, **recall(data, json.load(f))}, indent=1))


if __name__ == "__main__":
    main()
