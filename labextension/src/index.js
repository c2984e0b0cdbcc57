/*
 * l1-l2-course-frames: the course's one change to ipympl's page side (issue 13, drag latency).
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
 * the kernel for the same cores (benchmarks/README.md, "Where the time goes, 2026-12-06").
 *
 * This plugin gives each ipympl canvas model a `handle_binary` that does what ipympl's does
 * except the encoding, and a `get_state` that encodes the figure when a state is asked for: a
 * drag encodes nothing, and a saved state holds exactly what the figure shows (ipympl's stored
 * image is at least one frame behind: it is taken before the new frame is drawn).
 *
 * It changes only figures whose page-side code is the code it was written for: the kernel's
 * ipympl declares a version in IPYMPL_PAGE_VERSIONS, and ipympl's own `handle_binary` still
 * stores `_data_url` from `toDataURL` (so a changed ipympl is left alone). Otherwise it says so
 * once in the browser console. Installed with the course's Python package (pyproject.toml,
 * shared-data); JupyterLab and Voilà load it. Build: labextension/README.md. Tests:
 * tests/test_frames_extension.py, tests/browser/test_frame_path_page.py, tests/browser/test_voila.py.
 */
import { WidgetModel } from '@jupyter-widgets/base';

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

// ipympl's handle_binary without the encoding of the whole figure.
function handleBinaryWithoutEncoding(msg, buffers) {
  const url = window.URL || window.webkitURL;
  const bytes = new Uint8Array(ArrayBuffer.isView(buffers[0]) ? buffers[0].buffer : buffers[0]);
  const imageUrl = url.createObjectURL(new Blob([bytes], { type: 'image/png' }));
  if (this.image.src) {
    url.revokeObjectURL(this.image.src);
  }
  this.image.src = imageUrl;
  this.waiting_for_image = false;
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

function writtenFor(model) {
  const ownHandleBinary = String(Object.getPrototypeOf(model).handle_binary || '');
  return (
    IPYMPL_PAGE_VERSIONS.includes(model.get('_model_module_version')) &&
    ownHandleBinary.includes('_data_url') &&
    ownHandleBinary.includes('toDataURL') &&
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

export default {
  id: PLUGIN_ID,
  description: 'ipympl figures: the whole figure is encoded when a widget state is saved, not after every frame',
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
