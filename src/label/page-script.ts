/**
 * The labelling page's script (plain browser JavaScript, inlined into the page; no
 * build step). The server owns the labels: every key that changes them sends a
 * change (`edits`, `undo` or `redo`) with the revision the page shows; the answer
 * is the loop as saved, or 409 when another tab saved first (the page then says so
 * and offers to reload). The page plays the loop at its own frame times, fetching
 * frames by index and keeping a small cache of decoded ones.
 *
 * Keys: Space play/pause · ←/→ one frame (Shift: 10) · Home/End · b/1/2 landmark
 * BG/LM1/LM2 · o/c vein open/closed · u unusable: press once to start a segment at
 * this frame and again to end it here (Enter ends it too, Esc cancels) · click a run
 * on the timeline to select it, [ and ] move its start / end to this frame, Delete
 * removes it · a accepts the model's pre-labels where there are none · Ctrl+Z undo,
 * Ctrl+Shift+Z or Ctrl+Y redo · PageUp/PageDown previous / next loop in the queue
 * (unlabelled loops first, the ones the model is least sure of first).
 */
export function labelPageScript(palette: Record<string, string>): string {
  return `
'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var PALETTE = ${JSON.stringify(palette)};
  var KEYS = { b: ['landmark', 'BG'], '1': ['landmark', 'LM1'], '2': ['landmark', 'LM2'], o: ['vein', 'open'], c: ['vein', 'closed'], u: ['unusable', 'unusable'] };
  var LANES = ['landmark', 'vein', 'unusable', 'model landmark', 'model vein'];
  var token = new URLSearchParams(location.search).get('token') || '';
  var loops = [], loop = null, current = 0, playing = false, playStart = 0, pending = null, selected = null, busy = false;
  var cache = new Map(), loading = new Map(), generation = 0;
  var canvas = $('frame'), ctx = canvas.getContext('2d'), timeline = $('timeline');

  function api(path, init) {
    return fetch(path + (path.indexOf('?') >= 0 ? '&' : '?') + 'token=' + encodeURIComponent(token), init);
  }
  function status(text, error) { var s = $('status'); s.textContent = text; s.className = 'status' + (error ? ' error' : ''); }

  function start() {
    refreshList().then(function () {
      $('loop').onchange = function () { openLoop(Number($('loop').value)); };
      var fromHash = /loop=(\\d+)/.exec(location.hash);
      openLoop(fromHash && Number(fromHash[1]) < loops.length ? Number(fromHash[1]) : queue0());
    }).catch(function (e) { status('cannot list the loops: ' + e.message, true); });
  }
  // The queue: loops without labels first, the ones the model is least sure of first.
  function ordered() {
    return loops.slice().sort(function (a, b) {
      if (a.labelled !== b.labelled) return a.labelled ? 1 : -1;
      var ua = a.uncertainty === undefined ? -1 : a.uncertainty, ub = b.uncertainty === undefined ? -1 : b.uncertainty;
      return ub - ua || a.id - b.id;
    });
  }
  function queue0() { var o = ordered(); return o.length ? o[0].id : 0; }
  function refreshList() {
    return api('/api/loops').then(function (r) { return r.json(); }).then(function (list) {
      loops = list;
      var select = $('loop'), keep = select.value;
      select.textContent = '';
      ordered().forEach(function (l) {
        var o = document.createElement('option'); o.value = String(l.id);
        o.textContent = l.name + (l.labelled ? ' · labelled' : '') + (l.uncertainty === undefined ? '' : ' · model unsure ' + l.uncertainty.toFixed(2));
        select.appendChild(o);
      });
      if (keep) select.value = keep;
    });
  }
  function nextInQueue(step) {
    var o = ordered().map(function (l) { return l.id; }), i = o.indexOf(loop.id);
    var next = o[i + step];
    if (next !== undefined) openLoop(next);
  }

  function openLoop(id) {
    stop(); pending = null; selected = null; generation++; queue = []; busy = false;
    cache.forEach(function (b) { b.close(); }); cache.clear(); loading.clear();
    $('loop').value = String(id);
    history.replaceState(null, '', '#loop=' + id);
    $('waiting').hidden = false; $('waiting').textContent = 'preparing the loop (decoding, removing burned-in text)…';
    status('opening…');
    var gen = generation;
    api('/api/loops/' + id).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) throw new Error(body.error || r.statusText); return body; });
    }).then(function (view) {
      if (gen !== generation) return;
      loop = view; current = 0;
      canvas.width = view.width; canvas.height = view.height;
      document.body.dataset.loop = String(view.id);
      document.body.dataset.frameCount = String(view.frameCount);
      document.body.dataset.predicted = String(view.predicted.length);
      refreshList();
      $('waiting').hidden = true;
      showSaved();
      seek(0);
    }).catch(function (e) { if (gen === generation) { $('waiting').textContent = 'cannot open this loop: ' + e.message; status('error', true); } });
  }

  // ---- frames ----
  function frameBitmap(n) {
    if (cache.has(n)) return Promise.resolve(cache.get(n));
    if (loading.has(n)) return loading.get(n);
    var gen = generation, id = loop.id;
    var p = api('/api/loops/' + id + '/frames/' + n).then(function (r) {
      if (!r.ok) throw new Error('frame ' + n + ': ' + r.status);
      return r.blob();
    }).then(function (b) { return createImageBitmap(b); }).then(function (bmp) {
      loading.delete(n);
      if (gen !== generation) { bmp.close(); return null; }
      cache.set(n, bmp);
      if (cache.size > 150) { var oldest = cache.keys().next().value; if (oldest !== n) { cache.get(oldest).close(); cache.delete(oldest); } }
      return bmp;
    });
    loading.set(n, p);
    p.catch(function () { loading.delete(n); });
    return p;
  }
  function prefetch(from) { for (var k = 1; k <= 8 && loop; k++) { var n = (from + k) % loop.frameCount; if (!cache.has(n) && !loading.has(n)) frameBitmap(n).catch(function () {}); } }
  function draw(n) {
    frameBitmap(n).then(function (bmp) {
      if (!bmp || n !== current) return;
      ctx.drawImage(bmp, 0, 0);
      document.body.dataset.frame = String(n);
    }).catch(function (e) { status(e.message, true); });
    prefetch(n);
  }

  function seek(n) {
    if (!loop) return;
    current = Math.max(0, Math.min(loop.frameCount - 1, n));
    draw(current);
    showPosition();
    drawTimeline();
  }

  // ---- playback at the loop's own frame times ----
  function play() {
    if (!loop || playing) return;
    playing = true; $('play').textContent = 'Pause';
    playStart = performance.now() - loop.ptsMs[current];
    requestAnimationFrame(tick);
  }
  function stop() { playing = false; $('play').textContent = 'Play'; }
  function tick(now) {
    if (!playing || !loop) return;
    var total = loop.ptsMs[loop.frameCount - 1] + 1000 / loop.fps;
    var t = now - playStart;
    if (t >= total) { playStart += total * Math.floor(t / total); t = now - playStart; }
    var n = current;
    while (n + 1 < loop.frameCount && loop.ptsMs[n + 1] <= t) n++;
    if (t < loop.ptsMs[current]) n = 0;
    if (n !== current) seek(n);
    requestAnimationFrame(tick);
  }

  // ---- labels ----
  function labelAt(n) {
    var out = {};
    loop.runs.forEach(function (r) { if (n >= r.start && n <= r.end) out[r.track] = r.value; });
    return out;
  }
  function showPosition() {
    var l = labelAt(current);
    $('position').textContent = 'frame ' + (current + 1) + ' / ' + loop.frameCount + ' · ' + (loop.ptsMs[current] / 1000).toFixed(2) + ' s · ' + loop.fps.toFixed(1) + ' fps';
    $('chip-landmark').textContent = l.unusable ? 'unusable' : (l.landmark || '');
    $('chip-landmark').style.color = l.unusable ? '#9e9e9e' : (PALETTE[l.landmark] || '');
    $('chip-vein').textContent = l.vein ? 'vein ' + l.vein : '';
    $('chip-vein').style.color = PALETTE[l.vein] || '';
    $('pending').textContent = pending ? 'marking ' + pending.value + ' from frame ' + (pending.start + 1) + ' — press the key again to end' : (selected ? 'selected ' + selected.value + ' ' + (selected.start + 1) + '–' + (selected.end + 1) : '');
  }
  function showSaved() {
    document.body.dataset.revision = String(loop.revision);
    var model = loop.predictionError ? ' · no pre-labels: ' + loop.predictionError : loop.uncertainty === undefined ? '' : ' · model unsure ' + loop.uncertainty.toFixed(2) + ' (a: accept its labels where you have none)';
    status((loop.revision ? 'saved · revision ' + loop.revision + (loop.labelledBy ? ' · ' + loop.labelledBy : '') : 'no labels yet') + model, Boolean(loop.predictionError));
  }

  // Changes go one at a time, each based on the revision the previous one saved.
  var queue = [];
  function send(change) { if (!loop) return; queue.push(change); pump(); }
  function pump() {
    if (busy || !queue.length || !loop) return;
    var change = queue.shift();
    busy = true;
    change.revision = loop.revision;
    status('saving…');
    var gen = generation;
    api('/api/loops/' + loop.id + '/changes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(change) })
      .then(function (r) { return r.json().then(function (body) { return { r: r, body: body }; }); })
      .then(function (x) {
        busy = false;
        if (gen !== generation) return;
        if (x.r.status === 409) { queue = []; conflict(x.body.revision); return; }
        if (!x.r.ok) { queue = []; status('not saved: ' + (x.body.error || x.r.statusText), true); return; }
        loop = x.body;
        selected = null;
        showSaved(); showPosition(); drawTimeline();
        pump();
      })
      .catch(function (e) { busy = false; queue = []; status('not saved: ' + e.message, true); });
  }
  function conflict(revision) {
    document.body.dataset.conflict = '1';
    $('conflict-text').textContent = 'Not saved: this loop was changed in another tab or by another labeller (now at revision ' + revision + '). Reload to see the latest labels, then redo your change.';
    $('conflict').hidden = false;
    status('conflict', true);
  }

  function labelKey(k) {
    var spec = KEYS[k];
    if (!pending) { pending = { track: spec[0], value: spec[1], start: current }; selected = null; showPosition(); drawTimeline(); return; }
    if (pending.track === spec[0] && pending.value === spec[1]) return endPending();
    pending.track = spec[0]; pending.value = spec[1]; showPosition(); drawTimeline();
  }
  function endPending() {
    if (!pending) return;
    var p = pending; pending = null;
    var edit = { op: 'mark', track: p.track, start: Math.min(p.start, current), end: Math.max(p.start, current) };
    if (p.track !== 'unusable') edit.value = p.value;
    send({ edits: [edit] });
    showPosition();
  }
  function moveSelected(which) {
    if (!selected) return;
    var s = which === 'start' ? current : selected.start, e = which === 'end' ? current : selected.end;
    if (s > e) { var t = s; s = e; e = t; }
    var mark = { op: 'mark', track: selected.track, start: s, end: e };
    if (selected.track !== 'unusable') mark.value = selected.value;
    send({ edits: [{ op: 'clear', track: selected.track, start: selected.start, end: selected.end }, mark] });
  }

  document.addEventListener('keydown', function (ev) {
    if (!loop || ev.target && ev.target.tagName === 'SELECT') return;
    var k = ev.key, ctrl = ev.ctrlKey || ev.metaKey;
    if (ctrl && (k === 'z' || k === 'Z')) { send(ev.shiftKey ? { redo: true } : { undo: true }); ev.preventDefault(); return; }
    if (ctrl && (k === 'y' || k === 'Y')) { send({ redo: true }); ev.preventDefault(); return; }
    if (ctrl || ev.altKey) return;
    var step = ev.shiftKey ? 10 : 1;
    if (k === ' ') { playing ? stop() : play(); }
    else if (k === 'ArrowRight') { stop(); seek(current + step); }
    else if (k === 'ArrowLeft') { stop(); seek(current - step); }
    else if (k === 'Home') { stop(); seek(0); }
    else if (k === 'End') { stop(); seek(loop.frameCount - 1); }
    else if (KEYS[k.toLowerCase()] && k.length === 1) labelKey(k.toLowerCase());
    else if (k === 'Enter') endPending();
    else if (k === 'Escape') { pending = null; selected = null; showPosition(); drawTimeline(); }
    else if (k === '[') moveSelected('start');
    else if (k === ']') moveSelected('end');
    else if ((k === 'Delete' || k === 'Backspace') && selected) send({ edits: [{ op: 'clear', track: selected.track, start: selected.start, end: selected.end }] });
    else if (k === 'PageDown') refreshList().then(function () { nextInQueue(1); });
    else if (k === 'PageUp') refreshList().then(function () { nextInQueue(-1); });
    else if (k === 'a' && loop.predicted.length) send({ acceptPredictions: true });
    else return;
    ev.preventDefault();
  });
  $('play').onclick = function () { playing ? stop() : play(); };
  $('reload').onclick = function () { location.reload(); };

  // ---- timeline: one lane per track, the playhead, the segment being marked ----
  var LANE_H = 24, LANE_GAP = 5, TOP = 4;
  function frameX(n, w) { return (n / loop.frameCount) * w; }
  function drawTimeline() {
    if (!loop) return;
    var dpr = window.devicePixelRatio || 1, w = timeline.clientWidth, h = timeline.clientHeight;
    timeline.width = Math.round(w * dpr); timeline.height = Math.round(h * dpr);
    var g = timeline.getContext('2d'); g.setTransform(dpr, 0, 0, dpr, 0, 0); g.clearRect(0, 0, w, h);
    LANES.forEach(function (lane, i) {
      var y = TOP + i * (LANE_H + LANE_GAP);
      g.fillStyle = '#1f252e'; g.fillRect(0, y, w, LANE_H);
      var model = lane.indexOf('model ') === 0, runs = model ? loop.predicted : loop.runs, track = model ? lane.slice(6) : lane;
      runs.filter(function (r) { return r.track === track; }).forEach(function (r) {
        var x0 = frameX(r.start, w), x1 = frameX(r.end + 1, w);
        g.globalAlpha = model ? 0.55 : 1;
        g.fillStyle = PALETTE[r.value] || '#9e9e9e'; g.fillRect(x0, y, Math.max(1, x1 - x0), LANE_H);
        g.globalAlpha = 1;
        if (!model && selected && selected.track === r.track && selected.start === r.start) { g.strokeStyle = '#fff'; g.lineWidth = 2; g.strokeRect(x0 + 1, y + 1, Math.max(1, x1 - x0) - 2, LANE_H - 2); }
        if (x1 - x0 > 28) { g.fillStyle = '#101318'; g.font = '600 11px system-ui'; g.fillText(r.value, x0 + 4, y + 16); }
      });
    });
    g.font = '11px system-ui'; g.textAlign = 'right'; g.fillStyle = 'rgba(230,233,239,.55)';
    LANES.forEach(function (lane, i) { g.fillText(lane, w - 6, TOP + i * (LANE_H + LANE_GAP) + 16); });
    g.textAlign = 'left';
    if (pending) {
      var i = LANES.indexOf(pending.track), y = TOP + i * (LANE_H + LANE_GAP);
      var a = Math.min(pending.start, current), b = Math.max(pending.start, current);
      g.fillStyle = 'rgba(255,213,79,.35)'; g.fillRect(frameX(a, w), y, frameX(b + 1, w) - frameX(a, w), LANE_H);
    }
    var px = frameX(current + 0.5, w);
    g.fillStyle = '#ffffff'; g.fillRect(px - 1, 0, 2, h);
  }
  function frameAt(ev) { var rect = timeline.getBoundingClientRect(); return Math.floor(((ev.clientX - rect.left) / rect.width) * loop.frameCount); }
  var dragging = false;
  timeline.addEventListener('mousedown', function (ev) {
    if (!loop) return;
    var rect = timeline.getBoundingClientRect(), n = frameAt(ev), lane = Math.floor((ev.clientY - rect.top - TOP) / (LANE_H + LANE_GAP));
    var hit = loop.runs.filter(function (r) { return r.track === LANES[lane] && n >= r.start && n <= r.end; })[0];
    selected = hit ? { track: hit.track, value: hit.value, start: hit.start, end: hit.end } : null;
    stop(); dragging = true; seek(n);
  });
  window.addEventListener('mousemove', function (ev) { if (dragging && loop) seek(frameAt(ev)); });
  window.addEventListener('mouseup', function () { dragging = false; });
  window.addEventListener('resize', drawTimeline);

  start();
})();
`;
}
