/*
 * l1-l2-course-frames: the course's changes to ipympl's page side (issue 13, drag latency): no
 * whole-figure encoding after every frame (below), frames given to ipympl's <img> as data URLs
 * (handleBinaryWithoutEncoding), each frame drawn in order even when the next comes before it has
 * loaded (queueFrame), frames of only the changed tiles drawn where they belong (acceptTiles,
 * handleTiles; the kernel side is helpers/plots/tiles.py), and figure drags sent from raw pointer
 * updates (withRawMotion).
 *
 * Every frame the kernel sends to an ipympl figure reaches the page's `handle_binary`. ipympl
 * 0.10 (its page side is jupyter-matplotlib 0.12) turns the PNG into an image to draw, and then,
 * before that image has even loaded, encodes the whole figure as a PNG data URL on the page's
 * main thread:
 *
 *     this.set('_data_url', this.offscreen_canvas.toDataURL());
 *
 * `_data_url` never goes to the kernel (ipympl's `sync` drops it); it is read only from a saved
 * widget state (the manager's `get_state`, when JupyterLab saves widget state in the notebook,
 * off by default), so that a notebook opened without a kernel still shows the figure. Encoding
 * the whole figure after every frame of a drag put 3-5 ms per move at device pixel ratio 1 and
 * 10-14 ms at ratio 2 on the critical path on the course's 2-core test machine, competing with
 * the kernel for the same cores (benchmarks/README.md, "Where the time goes, 2026-12-06 afternoon").
 *
 * This plugin gives each ipympl canvas model a `handle_binary` that does what ipympl's does
 * except the encoding, and a `get_state` that encodes the figure when a state is asked for: a
 * drag encodes nothing, and a saved state holds exactly what the figure shows (ipympl's stored
 * image is at least one frame behind: it is taken before the new frame is drawn).
 *
 * It changes only figures whose page-side code is the code it was written for: the kernel's
 * ipympl declares a version in IPYMPL_PAGE_VERSIONS, and ipympl's own `handle_binary` still
 * stores `_data_url` from `toDataURL` (so a changed ipympl is left alone); and only views whose
 * `_init_canvas` still listens to `mousemove` with mouse_event("motion_notify") get raw motion. Otherwise it says so
 * once in the browser console. Installed with the course's Python package (pyproject.toml,
 * shared-data); JupyterLab and Voilà load it. Build: labextension/README.md. Tests:
 * tests/test_frames_extension.py, tests/browser/test_frame_path_page.py, tests/browser/test_voila.py.
 */
import { DOMWidgetView, WidgetModel } from '@jupyter-widgets/base';

const PLUGIN_ID = 'l1-l2-course-frames:plugin';
const IPYMPL_PAGE_VERSIONS = ['^0.12']; // ipympl 0.10's _model_module_version

function isIpymplCanvas(attributes) {
  return (
    attributes !== undefined &&
    attributes !== null &&
    attributes._model_module === 'jupyter-matplotlib' &&
    attributes._model_name === 'MPLCanvasModel'
  );
}

// ipympl's handle_binary without the encoding of the whole figure, and with the frame given to an
// <img> as a data URL instead of a blob URL. A blob URL is read back through the browser process (an
// IPC round trip, 3 ms in an idle page and 7-13 ms in JupyterLab during a drag on the course's
// machine); a data URL is read in the page at once (0.6 ms at device pixel ratio 1 and 1.0 ms at 2
// for a frame of 51 and 139 kB, base64 included). The decode is the same lazy one
// (benchmarks/README.md, "Where the time goes, 2026-12-06 evening"). createImageBitmap was tried
// too: its decode on a worker waits for a core the kernel also needs (+7 ms at ratio 2).
function handleBinaryWithoutEncoding(msg, buffers) {
  queueFrame(this, buffers, null);
}

// Tiled frames (the kernel's helpers/plots/tiles.py, message type 'course_tiles', which ipympl alone
// does not draw): the image is an atlas of the tiles that changed, and msg.rects says where each run
// of tiles goes, [sx, sy, w, h, dx, dy] in pixels. A frame of 04's sliders shrinks from 81 % of the
// figure to 13-31 %, and its decode at device pixel ratio 2 from 6-7 ms to 1.4 ms (benchmarks/
// README.md, "Where the time goes, 2026-12-06 night"). The kernel sends them once a page has
// accepted its offer.
function handleTiles(msg, buffers) {
  queueFrame(this, buffers, Array.isArray(msg.rects) ? msg.rects : []);
}

function acceptTiles() {
  this.send_message('course_tiles_accept', {});
}

// Each frame gets an image of its own, and frames are drawn in the order they came, each once it has
// loaded: none is skipped when the next one comes before it has loaded (ipympl loads every frame into
// one image, so such a frame was never drawn, and its changed pixels stayed wrong until the
// kernel's repaint). A plain frame is drawn as ipympl draws it (on a cleared canvas if the image
// mode was "full" when it came) and becomes the model's image; a tiled frame is drawn run by run.
// ipympl's resize handlers draw the model's image again before the kernel's refreshed frame comes:
// after tiled frames that is the last plain frame, an older picture (ipympl's own is its last
// diff). A frame that has neither loaded nor failed after 2 s is given up, so that the frames
// behind it are drawn (data URLs always end in one or the other; this is a guard).
const GIVE_UP_MS = 2000;

function queueFrame(model, buffers, rects) {
  const bytes = new Uint8Array(ArrayBuffer.isView(buffers[0]) ? buffers[0].buffer : buffers[0]);
  const image = new Image();
  const entry = {
    image, rects, mode: model.get('_image_mode'), at: performance.now(), loaded: false, failed: false
  };
  if (model.courseQueue === undefined) {
    model.courseQueue = [];
  }
  const queue = model.courseQueue;
  if (queue.length > 0 && entry.at - queue[0].at > GIVE_UP_MS && !queue[0].loaded) {
    queue[0].loaded = queue[0].failed = true;
    console.error(`${PLUGIN_ID}: a frame did not load in ${GIVE_UP_MS} ms; it is skipped`);
  }
  queue.push(entry);
  image.onload = () => {
    entry.loaded = true;
    drawLoadedFrames(model);
  };
  image.onerror = () => {
    entry.loaded = entry.failed = true;
    console.error(`${PLUGIN_ID}: a frame from the kernel could not be decoded; it is skipped`);
    drawLoadedFrames(model);
  };
  image.src = 'data:image/png;base64,' + base64(bytes);
  model.waiting_for_image = false;
}

function drawLoadedFrames(model) {
  const queue = model.courseQueue;
  const context = model.offscreen_context;
  let drawn = false;
  while (queue.length > 0 && queue[0].loaded) {
    const { image, rects, mode, failed } = queue.shift();
    if (failed) {
      continue;
    }
    if (rects !== null) {
      for (const [sx, sy, w, h, dx, dy] of rects) {
        context.drawImage(image, sx, sy, w, h, dx, dy, w, h);
      }
    } else {
      if (mode === 'full') {
        context.clearRect(0, 0, model.offscreen_canvas.width, model.offscreen_canvas.height);
      }
      context.drawImage(image, 0, 0);
      const previous = model.image.src;
      model.image = image;
      if (previous && previous.startsWith('blob:')) {
        (window.URL || window.webkitURL).revokeObjectURL(previous);
      }
    }
    drawn = true;
  }
  if (drawn) {
    model._for_each_view((view) => view.update_canvas());
  }
}

function base64(bytes) {
  if (typeof bytes.toBase64 === 'function') {
    return bytes.toBase64(); // Chromium 140+, Firefox 133+, Safari 18.2+
  }
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

// A figure drag, sent from `pointerrawupdate` instead of `mousemove`: Chromium delivers mouse moves
// aligned with its next animation frame (up to one frame, 16.7 ms, later; 11-13 ms in the course's
// benchmark on its machine); raw updates come at once (benchmarks/README.md, "Where the time goes, 2026-12-06 evening").
// ipympl's own motion handler sends the move, at most one per `pan_zoom_throttle` ms as ipympl's
// lodash throttle allows (the first at once, the latest when the interval has passed); its
// `mousemove` listener then sends nothing. A move still waiting is sent before a press, a release
// or a leave (pointer events come before the mouse events ipympl listens to). Only where the browser
// has raw updates (Chromium, in a secure context: https or localhost). Boundary events stay frame-
// aligned: the first move over a figure can reach the kernel before its figure_enter.
function withRawMotion(view) {
  const ownMouseEvent = view.mouse_event;
  const ownInitCanvas = view._init_canvas;
  view.mouse_event = function (name) {
    const handler = ownMouseEvent.call(this, name);
    if (name !== 'motion_notify') {
      return handler;
    }
    this.courseMotion = handler;
    return (event) => {
      if (event.type !== 'mousemove' || !rawUpdates()) {
        handler(event);
      }
    };
  };
  view._init_canvas = function () {
    ownInitCanvas.call(this);
    const send = throttle(this.courseMotion, this.model.get('pan_zoom_throttle'));
    const canvas = this.top_canvas;
    canvas.addEventListener('pointerrawupdate', (event) => {
      if (event.pointerType !== 'touch' && rawUpdates()) {
        send(event); // mouse and pen: the moves that also fire mousemove
      }
    });
    // A waiting move goes before the press, release or leave that follows it (a move sent after
    // the press, with no button held, would end the drag the press starts).
    for (const type of ['pointerdown', 'pointerup', 'pointerleave']) {
      canvas.addEventListener(type, send.flush);
    }
    this.courseSend = send;
  };
  const ownRemove = view.remove;
  view.remove = function (...args) {
    if (this.courseSend !== undefined) {
      this.courseSend.cancel(); // ipympl's remove() fires no 'remove' event
    }
    return ownRemove.apply(this, args);
  };
}

// At most one call per `wait` ms: the first at once, the latest when the interval has passed.
// flush() makes a waiting call now; cancel() drops it.
function throttle(call, wait) {
  let last = -Infinity;
  let timer = null;
  let pending = null;
  const fire = () => {
    clearTimeout(timer);
    timer = null;
    last = performance.now();
    const event = pending;
    pending = null;
    call(event);
  };
  const throttled = (event) => {
    pending = event;
    const remaining = wait - (performance.now() - last);
    if (remaining <= 0) {
      fire();
    } else if (timer === null) {
      timer = setTimeout(fire, remaining);
    }
  };
  throttled.flush = () => {
    if (timer !== null) {
      fire();
    }
  };
  throttled.cancel = () => {
    clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return throttled;
}

// The figure as shown, encoded only when a widget state is asked for (saving it, embedding it);
// before the first frame is drawn the state keeps the data URL it had (the kernel's, or none).
function withFigureInState(getState) {
  return function (dropDefaults) {
    const canvas = this.offscreen_canvas;
    const drawn = this.image !== undefined && this.image.complete && this.image.naturalWidth > 0;
    if (drawn && canvas !== undefined && canvas.width > 0 && canvas.height > 0) {
      this.attributes._data_url = canvas.toDataURL(); // not a change: nothing is sent or re-rendered
    }
    return getState.call(this, dropDefaults);
  };
}

// ipympl's view code the raw-motion path was written against: its canvas listens to `mousemove`
// with the handler mouse_event('motion_notify') returns.
function viewWrittenFor(view) {
  const proto = Object.getPrototypeOf(view);
  const initCanvas = String(proto._init_canvas || '');
  return (
    typeof proto.mouse_event === 'function' &&
    initCanvas.includes('"mousemove"') &&
    initCanvas.includes('mouse_event("motion_notify")') &&
    initCanvas.includes('top_canvas')
  );
}

// Raw pointer updates: Chromium, in a secure context. Asked again at every move, so that a page
// without them (the benchmark's variant 'mousemove' removes them) takes ipympl's mousemove path.
const rawUpdates = () => typeof window !== 'undefined' && 'onpointerrawupdate' in window;

function writtenFor(model) {
  const ownHandleBinary = String(Object.getPrototypeOf(model).handle_binary || '');
  return (
    IPYMPL_PAGE_VERSIONS.includes(model.get('_model_module_version')) &&
    ownHandleBinary.includes('_data_url') &&
    ownHandleBinary.includes('toDataURL') &&
    String(Object.getPrototypeOf(model)._init_image || '').includes('"full"===this.get("_image_mode")') &&
    typeof Object.getPrototypeOf(model).get_state === 'function'
  );
}

// The hook goes in when this module loads, but nothing changes unless the plugin is activated (in
// JupyterLab a disabled extension's module still loads). Models made before activation, in case an
// application restores widgets that early, wait in `early` and are patched when it comes.
let activated = false;
const early = [];
const warned = new Set();
const reference = (model) =>
  typeof WeakRef === 'function' ? new WeakRef(model) : { deref: () => model };

function useCourseFramePath(model) {
  if (!writtenFor(model)) {
    const version = model.get('_model_module_version');
    if (!warned.has(version)) {
      warned.add(version);
      console.warn(
        `${PLUGIN_ID}: this ipympl (page side ${version}) is not the one this plugin was written for ` +
          `(${IPYMPL_PAGE_VERSIONS.join(', ')}, a handle_binary that stores _data_url); its figures keep ` +
          "ipympl's own frame path."
      );
    }
    return;
  }
  model.handle_binary = handleBinaryWithoutEncoding;
  model.handle_course_tiles = handleTiles;
  model.handle_course_tiles_offer = acceptTiles;
  model.get_state = withFigureInState(model.get_state);
  model.courseFrames = PLUGIN_ID;
}

const initialize = WidgetModel.prototype.initialize;
WidgetModel.prototype.initialize = function (attributes, options) {
  initialize.call(this, attributes, options);
  if (!isIpymplCanvas(attributes)) {
    return;
  }
  if (activated) {
    useCourseFramePath(this);
  } else {
    early.push(reference(this));
  }
};

// Views: a canvas view whose model has the course's frame path also gets the raw-motion path. The
// hook runs in DOMWidgetView's initialize, before the view renders its canvas.
const initializeView = DOMWidgetView.prototype.initialize;
DOMWidgetView.prototype.initialize = function (parameters) {
  initializeView.call(this, parameters);
  const model = this.model;
  if (activated && model && model.courseFrames === PLUGIN_ID && rawUpdates() && viewWrittenFor(this)) {
    withRawMotion(this);
    this.courseFrames = PLUGIN_ID;
  }
};

export default {
  id: PLUGIN_ID,
  description:
    'ipympl figures: frames read as data URLs and made of the changed tiles only, figure drags ' +
    'sent from raw pointer updates, and the whole figure encoded when a widget state is saved, ' +
    'not after every frame',
  autoStart: true,
  activate: () => {
    activated = true;
    for (const ref of early.splice(0)) {
      const model = ref.deref();
      if (model !== undefined) {
        useCourseFramePath(model);
      }
    }
  }
};
