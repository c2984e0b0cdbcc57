// Page-side timestamps for the hop benchmark (benchmarks/hops.py); benchmark only.
// Installed with Playwright's add_init_script before JupyterLab loads. Every time is
// epoch milliseconds: performance.timeOrigin + performance.now() (or + event.timeStamp),
// the same clock as time.time() in the server and the kernel.
// Records go to window.__hops.log while window.__hops.on is true.
(() => {
  if (window.__hops) return;
  const T0 = performance.timeOrigin;
  const now = () => T0 + performance.now();
  const H = (window.__hops = { on: false, log: [], frames: 0 });
  const push = (r) => { if (H.on) H.log.push(r); };
  const dec = new TextDecoder();

  // The input event: when Chromium created it (timeStamp) and when the page saw it. A move fires
  // `pointerrawupdate` at once (the course's extension sends figure drags from it) and
  // `pointermove`/`mousemove` at the next animation frame (ipympl's and the sliders' listeners):
  // one record per move, td = the raw update's listener (or the pointermove's where there is no
  // raw update), tm = the pointermove's listener.
  let lastRaw = null;
  window.addEventListener('pointerrawupdate', (e) => {
    lastRaw = { k: 'event', t: T0 + e.timeStamp, td: now(), x: e.clientX, y: e.clientY, buttons: e.buttons, raw: true };
    push(lastRaw);
  }, true);
  window.addEventListener('pointermove', (e) => {
    const tm = now();
    if (lastRaw && lastRaw.t === T0 + e.timeStamp && lastRaw.tm === undefined) { // the same move
      lastRaw.tm = tm;
      return;
    }
    push({ k: 'event', t: T0 + e.timeStamp, td: tm, tm, x: e.clientX, y: e.clientY, buttons: e.buttons });
  }, true);

  // Variant 'mousemove' (benchmarks/hops.py): a browser without raw pointer updates, so that the
  // course's extension sends figure drags from ipympl's mousemove listener.
  const rawProp = Object.getOwnPropertyDescriptor(window, 'onpointerrawupdate'); // Chromium: on window itself
  Object.defineProperty(H, 'noRawUpdates', {
    set(v) {
      if (!rawProp) throw new Error('this browser has no raw pointer updates: variant mousemove measures nothing');
      if (v) delete window.onpointerrawupdate;
      else Object.defineProperty(window, 'onpointerrawupdate', rawProp);
    },
  });

  // Kernel messages, either protocol: JSON text, or v1.kernel.websocket.jupyter.org binary
  // (8-byte count, 8-byte offsets; parts: channel, header, parent, metadata, content, buffers).
  function label(type, content) {
    if (!content) return '';
    if (type === 'status') return content.execution_state || '';
    if (type !== 'comm_msg') return '';
    const data = content.data || {};
    let l = data.method || '';
    if (l === 'custom') {
      const inner = data.content || {};
      if (typeof inner.data === 'string') { try { l += ':' + (JSON.parse(inner.data).type || ''); } catch (e) { /* not JSON */ } }
      else if (inner.type) l += ':' + inner.type;
    } else if (data.state) l += ':' + Object.keys(data.state).sort().join(',');
    return l;
  }
  function parse(data) {
    try {
      if (typeof data === 'string') {
        const m = JSON.parse(data);
        return { id: m.header.msg_id, type: m.header.msg_type, parent: (m.parent_header || {}).msg_id,
                 channel: m.channel, label: label(m.header.msg_type, m.content), bytes: data.length,
                 nbuf: (m.buffers || []).length };
      }
      const buf = data instanceof ArrayBuffer ? data : data.buffer;
      const dv = new DataView(buf);
      const n = Number(dv.getBigUint64(0, true));
      const off = [];
      for (let i = 0; i < n; i++) off.push(Number(dv.getBigUint64(8 * (i + 1), true)));
      const part = (i) => dec.decode(new Uint8Array(buf, off[i], off[i + 1] - off[i]));
      const header = JSON.parse(part(1)), parent = JSON.parse(part(2));
      let content = null;
      if ((header.msg_type === 'comm_msg' || header.msg_type === 'status') && off[5] - off[4] < 65536) content = JSON.parse(part(4));  // a tiled frame's places: up to ~20 kB
      return { id: header.msg_id, type: header.msg_type, parent: parent.msg_id, channel: part(0),
               label: label(header.msg_type, content), bytes: buf.byteLength, nbuf: Math.max(0, n - 6) };
    } catch (e) {
      return { error: String(e), bytes: (data && (data.byteLength || data.length)) || 0 };
    }
  }
  const isKernel = (ws) => /\/api\/kernels\/.*\/channels/.test(ws.url);

  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (H.on && isKernel(this)) { const t = now(); push({ k: 'ws_send', t, ...parse(data) }); }
    return send.call(this, data);
  };
  const d = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get() { return d.get.call(this); },
    set(fn) {
      if (typeof fn !== 'function') return d.set.call(this, fn);
      const ws = this;
      d.set.call(this, function (ev) {
        if (!H.on || !isKernel(ws)) return fn.call(this, ev);
        const td = now();
        const r = fn.call(this, ev);  // JupyterLab deserializes and queues the message here
        push({ k: 'ws_recv', t: T0 + ev.timeStamp, td, tr: now(), ...parse(ev.data) });
        return r;
      });
    },
  });

  // ipympl's frontend: handle_binary sets image.src to a blob URL (and encodes the offscreen
  // canvas with toDataURL); image.onload draws it on the offscreen canvas, then on each view.
  // The course's extension sets a data URL instead (and encodes nothing). Variant 'blob'
  // (window.__hops.blobFrames) turns the extension's data URL back into a blob URL here, as
  // ipympl has it (plus the extension's base64 encode and this script's decode, together about
  // 0.5 ms at ratio 1 and 1-1.6 ms at 2, on the main thread: the variant is that much slower).
  const isFrame = (v) => typeof v === 'string' && (v.startsWith('blob:') || v.startsWith('data:image/png;base64,'));
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src');
  Object.defineProperty(HTMLImageElement.prototype, 'src', {
    configurable: true,
    get() { return src.get.call(this); },
    set(v) {
      const frame = H.on && isFrame(v);
      if (frame) push({ k: 'img_src', t: now() });
      if (frame && H.blobFrames && v.startsWith('data:')) {
        const text = atob(v.slice(v.indexOf(',') + 1));
        const bytes = new Uint8Array(text.length);
        for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
        v = URL.createObjectURL(new Blob([bytes], { type: 'image/png' }));
      }
      const r = src.set.call(this, v);
      // Variant 'encode' (window.__hops.encodeEachFrame): what ipympl's own handle_binary does
      // right after setting the frame's src, which the course's extension (labextension/) defers:
      // encode the whole offscreen canvas this image is drawn on as a PNG data URL.
      // (The course's extension gives each frame an image of its own: the last offscreen canvas a
      // frame was drawn on stands in for one this image was never drawn on yet.)
      const offscreen = imageTarget.get(this) || lastOffscreen;
      if (frame && H.encodeEachFrame && offscreen) offscreen.toDataURL();
      return r;
    },
  });
  // Which offscreen canvas each ipympl image is drawn on (learned from drawImage below).
  const imageTarget = new WeakMap();
  let lastOffscreen = null;
  const onload = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'onload');
  Object.defineProperty(HTMLElement.prototype, 'onload', {
    configurable: true,
    get() { return onload.get.call(this); },
    set(fn) {
      if (!(this instanceof HTMLImageElement) || typeof fn !== 'function') return onload.set.call(this, fn);
      const img = this;
      return onload.set.call(this, function (ev) {
        const td = now();
        const r = fn.call(this, ev);
        if (isFrame(img.currentSrc || img.src || ''))
          push({ k: 'img_load', t: T0 + ev.timeStamp, td, tr: now(), w: img.naturalWidth, h: img.naturalHeight });
        return r;
      });
    },
  });
  const toDataURL = HTMLCanvasElement.prototype.toDataURL;
  HTMLCanvasElement.prototype.toDataURL = function (...a) {
    const t = now();
    const r = toDataURL.apply(this, a);
    push({ k: 'to_data_url', t, tr: now(), w: this.width, h: this.height, chars: r.length });
    return r;
  };
  const drawImage = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...a) {
    const t = now();
    const r = drawImage.apply(this, a);
    if (a[0] instanceof HTMLImageElement && !this.canvas.isConnected) {
      imageTarget.set(a[0], this.canvas);
      lastOffscreen = this.canvas;
    }
    if (H.on) {
      const c = this.canvas, s = a[0];
      const visible = c.isConnected;
      const rec = { k: visible ? 'draw' : 'draw_offscreen', t, tr: now(), w: c.width, h: c.height,
                    cssw: visible ? c.getBoundingClientRect().width : 0, sw: s.width, sh: s.height,
                    args: a.length };
      push(rec);
      if (visible) requestAnimationFrame(() => { rec.frame = now(); });
    }
    return r;
  };
})();
