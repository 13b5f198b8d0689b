"""Alternative ONNX graph forms of the exported models, for the speed comparison in
docs/benchmarks.md (session 5). Not used by the shipped export: neither form paid off.

  /usr/bin/python3 training/graph_forms.py models/autodvt.streaming.onnx /tmp/s-both.onnx heads,taps
  /usr/bin/python3 training/graph_forms.py models/autodvt.onnx /tmp/w-heads.onnx heads
  node --import tsx bench/streaming-vs-window.ts models/autodvt.onnx models/autodvt.streaming.onnx,/tmp/s-both.onnx 1 9

- heads: the two task heads share their input, so their first convs become one conv with 256
  outputs, and the second and third become grouped convs (group 2); one ReduceMean, then Split.
- taps: in the streaming graph, the three per-tap convs of a block read the same new slice; they
  become one conv with 3x the outputs, then Split.
Both keep every output channel's sum the same, so the outputs do not change.
"""
import sys, numpy as np, onnx
from onnx import helper, numpy_helper as nh

def inits(g):
    return {i.name: i for i in g.initializer}

def merge_heads(m):
    g = m.graph; I = inits(g)
    nodes = list(g.node)
    # find head convs
    lm = [n for n in nodes if n.op_type == 'Conv' and n.output[0].startswith('/landmark/blocks.')]
    vn = [n for n in nodes if n.op_type == 'Conv' and n.output[0].startswith('/vein/blocks.')]
    assert len(lm) == 3 and len(vn) == 3
    feat = lm[0].input[0]; assert vn[0].input[0] == feat
    new = []
    x = feat
    for k in range(3):
        wa = nh.to_array(I[lm[k].input[1]]); wb = nh.to_array(I[vn[k].input[1]])
        ba = nh.to_array(I[lm[k].input[2]]); bb = nh.to_array(I[vn[k].input[2]])
        w = np.concatenate([wa, wb]); b = np.concatenate([ba, bb])
        wn, bn = f'heads.{k}.w', f'heads.{k}.b'
        g.initializer.extend([nh.from_array(w, wn), nh.from_array(b, bn)])
        attrs = {a.name: helper.get_attribute_value(a) for a in lm[k].attribute}
        attrs['group'] = 1 if k == 0 else 2
        y = f'heads.{k}.conv'; r = f'heads.{k}.relu'
        new.append(helper.make_node('Conv', [x, wn, bn], [y], **attrs))
        new.append(helper.make_node('Relu', [y], [r]))
        x = r
    new.append(helper.make_node('ReduceMean', [x], ['heads.pool'], axes=[2, 3], keepdims=0))
    new.append(helper.make_node('Split', ['heads.pool'], ['/landmark/ReduceMean_output_0', '/vein/ReduceMean_output_0'], axis=1))
    # remove old head convs/relus/reducemeans
    drop = set()
    for n in nodes:
        if n.output[0].startswith(('/landmark/blocks.', '/vein/blocks.')) or n.op_type == 'ReduceMean':
            drop.add(id(n))
    # check ReduceMean old output shape: keepdims? inspect
    rm = [n for n in nodes if n.op_type == 'ReduceMean'][0]
    kd = [helper.get_attribute_value(a) for a in rm.attribute if a.name == 'keepdims']
    assert kd == [0], kd
    kept = [n for n in nodes if id(n) not in drop]
    # insert new nodes before the first Gemm
    out = []
    for n in kept:
        if n.op_type == 'Gemm' and new:
            out += new; new = []
        out.append(n)
    del g.node[:]; g.node.extend(out)
    return m

def merge_taps(m):
    g = m.graph; I = inits(g)
    nodes = list(g.node)
    groups = {}
    for n in nodes:
        if n.op_type == 'Conv' and '/taps/steps.' in n.output[0] or (n.op_type=='Conv' and n.output[0].startswith('state_out')):
            groups.setdefault(n.input[0], []).append(n)
    out = []; done = set()
    for n in nodes:
        gs = groups.get(n.input[0]) if n.op_type == 'Conv' else None
        if gs and len(gs) == 3:
            if n.input[0] in done: continue
            done.add(n.input[0])
            ws, bs, outs = [], [], []
            for c in gs:
                w = nh.to_array(I[c.input[1]]); ws.append(w)
                bs.append(nh.to_array(I[c.input[2]]) if len(c.input) > 2 else np.zeros(w.shape[0], np.float32))
                outs.append(c.output[0])
            name = 'merged.' + n.input[0].replace('/', '_')
            g.initializer.extend([nh.from_array(np.concatenate(ws), name + '.w'), nh.from_array(np.concatenate(bs), name + '.b')])
            attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
            out.append(helper.make_node('Conv', [n.input[0], name + '.w', name + '.b'], [name + '.y'], **attrs))
            out.append(helper.make_node('Split', [name + '.y'], outs, axis=1))
        else:
            out.append(n)
    del g.node[:]; g.node.extend(out)
    return m

if __name__ == '__main__':
    src, dst, what = sys.argv[1], sys.argv[2], sys.argv[3].split(',')
    m = onnx.load(src)
    if 'heads' in what: m = merge_heads(m)
    if 'taps' in what: m = merge_taps(m)
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    print('wrote', dst)
