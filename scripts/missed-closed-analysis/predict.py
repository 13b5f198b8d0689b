"""Per-window probabilities of a checkpoint on the test split of a dataset (JSON list: exam, frame,
vein label, pClosed, landmark probabilities). Run from the repository root:

  /usr/bin/python3 scripts/missed-closed-analysis/predict.py CAND2/autodvt.pt HELDOUT_SCANNER_ALL out.json
"""
import json, sys
sys.path.insert(0, 'training')
import numpy as np, torch
from autodvt.data import load_split
from autodvt.onnx_export import load_checkpoint
from autodvt.trainer import predict
torch.set_num_threads(1)
ck_path, data, out = sys.argv[1:4]
model, ck = load_checkpoint(ck_path)
sd = load_split(data, 'test')
p = predict(model, sd, ck['normalization'], 64)
lm_t, vein_t = sd.labels(sd.ends)
exam_of_end = sd.exam_of_end.numpy()
# frame index within exam: ends are global offsets; exams are 300 frames each here, recompute
offsets = {}
idx = json.load(open(data + '/index.json'))
off = 0
starts = []
for ex in idx['exams']:
    if ex['split'] == 'test':
        starts.append(off); off += int(ex['frames'])
rows = []
for k, e in enumerate(sd.ends.numpy()):
    ei = exam_of_end[k]
    rows.append(dict(exam=sd.exam_ids[ei], frame=int(e - starts[ei]), vein=int(vein_t[k]), lm=int(lm_t[k]),
                     pClosed=float(p['vein'][k, 1]), pLm=[float(x) for x in p['landmark'][k]]))
json.dump(rows, open(out, 'w'))
print(len(rows))
