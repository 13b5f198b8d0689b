/**
 * The HUD page's script (plain browser JavaScript, inlined into the page; no build
 * step). It connects to /ws with the page's token, draws each frame (and a
 * saliency heatmap when the model sends one) on a canvas, keeps the timeline of
 * the last `timelineS` seconds, and shows state, badges, verdict and counters.
 * Images are decoded one at a time; a frame that arrives while another is being
 * decoded replaces the waiting one (latest wins), so a slow tab never falls behind.
 */
export const PAGE_SCRIPT = `
'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var LANDMARKS = ['BG', 'LM1', 'LM2'];
  var VEINS = ['open', 'closed', 'unknown'];
  var palette = null, timelineS = 10;
  var samples = [];          // rows [n, ptsMs, BG, LM1, LM2, pClosed, state lm, vein]
  var examGeneration = -1;
  var frameCanvas = $('frame'), fctx = frameCanvas.getContext('2d');
  var lastFrame = null, lastSaliency = null, saliencyCanvas = null;
  var decoding = false, waiting = null;
  var received = 0, firstCount = -1, lastCount = -1, shownTimes = [];
  var token = new URLSearchParams(location.search).get('token');

  function connect() {
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws' + (token ? '?token=' + encodeURIComponent(token) : '');
    var ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = function () { setConn('live', 'live'); };
    ws.onmessage = function (m) {
      if (typeof m.data === 'string') onJson(JSON.parse(m.data));
      else onImage(m.data);
    };
    ws.onclose = function () {
      var ended = document.body.dataset.ended === '1';
      setConn(ended ? 'ended' : 'lost', ended ? 'stream ended' : 'disconnected');
    };
  }

  function setConn(cls, text) { var c = $('conn'); c.className = 'conn ' + cls; c.textContent = text; }

  function onJson(msg) {
    if (msg.type === 'hello') {
      palette = msg.palette; timelineS = msg.timelineS;
      $('disclaimer').textContent = msg.disclaimer;
      $('footer-disclaimer').textContent = msg.disclaimer;
      buildLegend();
      return;
    }
    if (msg.type !== 'update') return;
    if (msg.examGeneration !== examGeneration) { examGeneration = msg.examGeneration; samples = []; lastSaliency = null; }
    mergeSamples(msg.samples);
    showStatus(msg.status);
    showUnknown(msg.inDistribution);
    showStats(msg.stats);
    if (msg.ended) { document.body.dataset.ended = '1'; setConn('ended', 'stream ended'); }
    drawTimeline();
  }

  function mergeSamples(rows) {
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], last = samples.length ? samples[samples.length - 1][0] : -1;
      if (r[0] > last) samples.push(r);
      else for (var j = samples.length - 1; j >= 0; j--) { if (samples[j][0] === r[0]) { samples[j] = r; break; } if (samples[j][0] < r[0]) break; }
    }
    if (samples.length) {
      var oldest = samples[samples.length - 1][1] - timelineS * 1000, k = 0;
      while (k < samples.length - 1 && samples[k][1] < oldest) k++;
      if (k) samples.splice(0, k);
    }
  }

  function color(kind, key) { return palette ? palette[kind][key] : '#888'; }

  function showStatus(s) {
    $('exam-id').textContent = s.examId ? 'exam ' + s.examId : '';
    var lm = $('landmark'), vein = $('vein');
    lm.textContent = s.landmark || '—'; lm.style.color = s.landmark ? color('landmark', s.landmark) : '';
    vein.textContent = s.vein ? 'vein ' + s.vein : 'waiting for the model'; vein.style.color = s.vein ? color('vein', s.vein) : '';
    $('chip-lm').textContent = s.landmark || ''; $('chip-lm').style.color = s.landmark ? color('landmark', s.landmark) : '';
    $('chip-vein').textContent = s.vein ? 'vein ' + s.vein : ''; $('chip-vein').style.color = s.vein ? color('vein', s.vein) : '';
    var p = s.probabilities || { BG: 0, LM1: 0, LM2: 0 };
    LANDMARKS.forEach(function (k) { setBar(k, p[k], color('landmark', k)); });
    setBar('pClosed', s.pClosed || 0, palette ? palette.pClosed : '#888');
    ['LM1', 'LM2'].forEach(function (k) {
      var v = s.badges[k], el = $('badge-' + k);
      el.style.borderLeftColor = color('verdict', v);
      el.querySelector('.v').textContent = v.replace('-', ' ');
      el.dataset.verdict = v;
    });
    if (s.reason) $('reason').textContent = s.reason;
    var vt = $('exam-verdict'), card = $('verdict-card');
    if (s.examVerdict) {
      vt.textContent = s.examVerdict; vt.className = 'text';
      var c = s.examVerdict.indexOf('refer') === 0 ? 'not-compressible' : s.examVerdict === 'incomplete' ? 'inconclusive' : 'compressible';
      card.style.borderLeftColor = color('verdict', c); vt.style.color = color('verdict', c);
      $('verdict-why').textContent = 'LM1 ' + s.badges.LM1.replace('-', ' ') + ' · LM2 ' + s.badges.LM2.replace('-', ' ') + (s.incompleteReason ? ' · ended early: ' + s.incompleteReason : '');
    } else {
      vt.textContent = 'exam in progress: the verdict comes when the exam ends'; vt.className = 'text pending'; vt.style.color = '';
      card.style.borderLeftColor = ''; $('verdict-why').textContent = '';
    }
  }

  // A window unlike the model's training data: its landmark and vein are not shown as if known.
  function showUnknown(d) {
    document.body.dataset.unknown = d && d.unknown ? '1' : '';
    if (!d || !d.unknown) return;
    var why = [];
    if (isFinite(d.score) && d.score > d.threshold) why.push('model score ' + Math.round(d.score) + ' > ' + Math.round(d.threshold));
    if (d.image && !(d.image.score <= d.image.threshold)) why.push('image statistics ' + Math.round(d.image.score) + ' > ' + Math.round(d.image.threshold));
    why = why.concat(d.flags || []).join(', ');
    $('landmark').textContent = 'unknown'; $('landmark').style.color = '';
    $('vein').textContent = 'image unlike the training data (' + why + ')'; $('vein').style.color = '';
    $('chip-lm').textContent = 'unknown'; $('chip-lm').style.color = '';
    $('chip-vein').textContent = '';
  }

  function setBar(key, v, c) {
    var bar = $('bar-' + key); bar.style.width = Math.round(v * 100) + '%'; bar.style.background = c;
    $('val-' + key).textContent = v.toFixed(2);
  }

  function showStats(st) {
    $('pipeline-fps').textContent = st.pipelineFps.toFixed(0);
    $('dropped').textContent = String(st.dropped);
    $('latency').textContent = st.latencyP99Ms !== undefined ? st.latencyP99Ms + ' ms' : '—';
  }

  function onImage(buf) {
    var view = new DataView(buf), kind = view.getUint8(0), count = view.getUint32(5, true);
    var blob = new Blob([new Uint8Array(buf, 9)], { type: 'image/png' });
    if (kind === 1) {
      received++; if (firstCount < 0) firstCount = count; lastCount = count;
      var now = performance.now(); shownTimes.push(now);
      while (shownTimes.length && shownTimes[0] < now - 1000) shownTimes.shift();
      $('shown-fps').textContent = String(shownTimes.length);
      $('skipped').textContent = String(Math.max(0, lastCount - firstCount + 1 - received));
    }
    if (decoding) { if (kind === 1) waiting = blob; else decodeSaliency(blob); return; }
    if (kind === 1) decodeFrame(blob); else decodeSaliency(blob);
  }

  function decodeFrame(blob) {
    decoding = true;
    createImageBitmap(blob).then(function (bmp) {
      if (lastFrame && lastFrame.close) lastFrame.close();
      lastFrame = bmp; drawFrame();
      document.body.dataset.frames = String((+document.body.dataset.frames || 0) + 1);
      $('waiting').hidden = true;
    }).catch(function () {}).then(function () {
      decoding = false;
      if (waiting) { var next = waiting; waiting = null; decodeFrame(next); }
    });
  }

  function decodeSaliency(blob) {
    createImageBitmap(blob).then(function (bmp) {
      var c = document.createElement('canvas'); c.width = bmp.width; c.height = bmp.height;
      var x = c.getContext('2d'); x.drawImage(bmp, 0, 0);
      var img = x.getImageData(0, 0, c.width, c.height), d = img.data;
      for (var i = 0; i < d.length; i += 4) {
        var t = d[i] / 255;
        d[i] = 255 * clamp(1.5 - Math.abs(4 * t - 3)); d[i + 1] = 255 * clamp(1.5 - Math.abs(4 * t - 2));
        d[i + 2] = 255 * clamp(1.5 - Math.abs(4 * t - 1)); d[i + 3] = 255 * (0.2 + 0.6 * t);
      }
      x.putImageData(img, 0, 0); lastSaliency = c; $('sal-toggle').hidden = false; drawFrame();
    }).catch(function () {});
  }

  function clamp(v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

  function drawFrame() {
    if (!lastFrame) return;
    if (frameCanvas.width !== lastFrame.width * 3) { frameCanvas.width = lastFrame.width * 3; frameCanvas.height = lastFrame.height * 3; }
    fctx.imageSmoothingQuality = 'high';
    fctx.drawImage(lastFrame, 0, 0, frameCanvas.width, frameCanvas.height);
    if (lastSaliency && $('sal').checked) { fctx.globalAlpha = 0.6; fctx.drawImage(lastSaliency, 0, 0, frameCanvas.width, frameCanvas.height); fctx.globalAlpha = 1; }
  }

  function buildLegend() {
    var items = [['P(BG)', palette.landmark.BG], ['P(LM1)', palette.landmark.LM1], ['P(LM2)', palette.landmark.LM2], ['P(closed)', palette.pClosed]];
    var html = items.map(function (it) { return '<span><i style="background:' + it[1] + '"></i>' + it[0] + '</span>'; }).join('');
    html += '<span>bands: reported landmark; vein <i style="background:' + palette.vein.open + '"></i>open <i style="background:' + palette.vein.closed + '"></i>closed</span>';
    $('legend').innerHTML = html;
  }

  var tl = $('timeline'), tctx = tl.getContext('2d');
  function drawTimeline() {
    var dpr = window.devicePixelRatio || 1, w = tl.clientWidth, h = tl.clientHeight;
    if (tl.width !== Math.round(w * dpr)) { tl.width = Math.round(w * dpr); tl.height = Math.round(h * dpr); }
    tctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    tctx.clearRect(0, 0, w, h);
    var left = 34, right = 8, top = 6, band = 7, bottom = 20 + 2 * band + 6, ph = h - top - bottom, pw = w - left - right;
    tctx.fillStyle = '#171b22'; tctx.fillRect(0, 0, w, h);
    tctx.font = '11px system-ui, sans-serif'; tctx.fillStyle = '#8b93a1'; tctx.strokeStyle = '#262c36'; tctx.lineWidth = 1;
    [0, 0.5, 1].forEach(function (p) {
      var y = top + (1 - p) * ph; tctx.beginPath(); tctx.moveTo(left, y + 0.5); tctx.lineTo(w - right, y + 0.5); tctx.stroke();
      tctx.textAlign = 'right'; tctx.fillText(p.toFixed(1), left - 6, y + 4);
    });
    var end = samples.length ? samples[samples.length - 1][1] : 0, span = timelineS * 1000, start = end - span;
    var x = function (t) { return left + ((t - start) / span) * pw; };
    tctx.textAlign = 'center';
    for (var s = 0; s <= timelineS; s += timelineS > 20 ? 5 : timelineS > 8 ? 2 : 1) {
      var tx = x(end - s * 1000); tctx.fillText(s === 0 ? 'now' : '-' + s + ' s', tx, h - 4);
    }
    if (!samples.length || !palette) return;
    var by = top + ph + 6;
    for (var i = 0; i < samples.length; i++) {
      var r = samples[i], nx = i + 1 < samples.length ? x(samples[i + 1][1]) : x(r[1]) + 2, x0 = x(r[1]);
      if (r[6] >= 0) { tctx.fillStyle = palette.landmark[LANDMARKS[r[6]]]; tctx.fillRect(x0, by, Math.max(1, nx - x0 + 0.5), band); }
      if (r[7] >= 0) { tctx.fillStyle = palette.vein[VEINS[r[7]]]; tctx.fillRect(x0, by + band + 2, Math.max(1, nx - x0 + 0.5), band); }
    }
    var series = [[2, palette.landmark.BG, 1, [3, 3]], [3, palette.landmark.LM1, 2, []], [4, palette.landmark.LM2, 2, []], [5, palette.pClosed, 2.5, []]];
    series.forEach(function (se) {
      tctx.strokeStyle = se[1]; tctx.lineWidth = se[2]; tctx.setLineDash(se[3]); tctx.beginPath();
      for (var i = 0; i < samples.length; i++) {
        var px = x(samples[i][1]), py = top + (1 - samples[i][se[0]]) * ph;
        if (i === 0) tctx.moveTo(px, py); else tctx.lineTo(px, py);
      }
      tctx.stroke();
    });
    tctx.setLineDash([]);
  }

  $('sal').addEventListener('change', drawFrame);
  window.addEventListener('resize', drawTimeline);
  drawTimeline();
  connect();
})();
`;
