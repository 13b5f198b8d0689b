"""p(closed) of a few static closed windows of HELDOUT_SCANNER (/work/data) under global gain, gamma
and blur changes (docs/training-runs/2026-12-08-scanner-finetune-second-run.md). Run from the root:

  /usr/bin/python3 scripts/missed-closed-analysis/intensity.py
"""
import json, sys
sys.path.insert(0, 'training')
import numpy as np, torch
from autodvt.data import normalise
from autodvt.onnx_export import load_checkpoint
torch.set_num_threads(2)
model, ck = load_checkpoint('/work/data/CAND2/autodvt.pt'); model.eval(); norm = ck['normalization']
D = '/work/data/HELDOUT_SCANNER/frames'
picks = [('3543531893',222),('3677752845',70),('3677752845',215),('3271819167',206),('3493199036',80),('3255041548',88),('3660975226',88),('3526754274',219),('3426088560',78),('3509976655',71),('3476421417',97)]
tf = {'x1':lambda a:a, 'gain x0.6':lambda a:a*0.6, 'x0.8':lambda a:a*0.8, 'x1.25':lambda a:a*1.25, 'x1.6':lambda a:a*1.6, 'gamma 0.7':lambda a:255*(a/255)**0.7, 'gamma 1.4':lambda a:255*(a/255)**1.4, 'blur-ish /2 down-up':None}
print('exam frame ' + ' | '.join(tf))
for ex, f in picks:
    arr = np.load(f'{D}/phantom-{ex}.npy')[f-8:f+1].astype(np.float32)
    batch = []
    for k, fn in tf.items():
        if fn is None:
            t = torch.from_numpy(arr)[:, None]
            a = torch.nn.functional.interpolate(torch.nn.functional.avg_pool2d(t, 2), size=150, mode='bilinear')[:, 0].numpy()
        else: a = fn(arr)
        batch.append(torch.from_numpy(np.clip(a, 0, 255).astype(np.uint8)))
    with torch.no_grad():
        p = torch.softmax(model(normalise(torch.stack(batch), norm['mean'], norm['std']))['vein'], 1)[:, 1].numpy()
    print(ex, f, ' '.join(f'{x:.2f}' for x in p))
