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
 * only to keep the `_data_url` attribute current (ipympl draws it when a saved widget state is
 * opened again without a kernel). That encoding of the whole figure, after every frame of a
 * drag, is on the critical path of every move and competes with the kernel for the same cores:
 * 3-11 ms per frame at device pixel ratio 1 and 14-68 ms at ratio 2 on the course's 2-core test
 * machine (benchmarks/README.md, "Where the time goes").
 *
 * This plugin gives each ipympl canvas model a `handle_binary` that does what ipympl's does,
 * except that `_data_url` is stored once the figure has been still for DATA_URL_DELAY_MS after
 * its last frame was drawn: a figure at rest has a data URL of what it shows (ipympl's is one
 * frame behind, taken before the new frame is drawn), and a drag encodes nothing.
 *
 * It changes only models of the ipympl version it was written for (IPYMPL_PAGE_VERSIONS); with
 * another version it leaves ipympl alone and says so in the browser console. It is installed
 * with the course's Python package (pyproject.toml, shared-data) and works in JupyterLab and
 * Voilà alike. Build: labextension/README.md. Tests: tests/test_frames_extension.py,
 * tests/browser/test_frame_path_page.py, tests/browser/test_voila.py.
 */
import { WidgetModel } from '@jupyter-widgets/base';

const PLUGIN_ID = 'l1-l2-course-frames:plugin';
const IPYMPL_PAGE_VERSIONS = ['^0.12']; // ipympl 0.10's _model_module_version
const DATA_URL_DELAY_MS = 500;

function isIpymplCanvas(attributes) {
  return (
    attributes !== undefined &&
    attributes !== null &&
    attributes._model_module === 'jupyter-matplotlib' &&
    attributes._model_name === 'MPLCanvasModel'
  );
}

// ipympl's handle_binary without the toDataURL; the data URL follows once the figure is still.
function handleBinaryWithoutEncoding(msg, buffers) {
  const url = window.URL || window.webkitURL;
  const bytes = new Uint8Array(ArrayBuffer.isView(buffers[0]) ? buffers[0].buffer : buffers[0]);
  const imageUrl = url.createObjectURL(new Blob([bytes], { type: 'image/png' }));
  if (this.image.src) {
    url.revokeObjectURL(this.image.src);
  }
  // A figure is not still while a frame is on its way: no data URL until this one is drawn
  // (ipympl's own onload handler, set once before this listener, draws it first).
  clearTimeout(this.courseDataUrlTimer);
  this.image.addEventListener('load', () => storeDataUrlWhenStill(this), { once: true });
  this.image.src = imageUrl;
  this.waiting_for_image = false;
}

function storeDataUrlWhenStill(model) {
  clearTimeout(model.courseDataUrlTimer);
  model.courseDataUrlTimer = setTimeout(() => {
    model.courseDataUrlTimer = undefined;
    model.set('_data_url', model.offscreen_canvas.toDataURL());
  }, DATA_URL_DELAY_MS);
}

// Models made before the plugin is activated wait in `early` (Voilà can restore widgets before its
// federated plugins are activated); the hook goes in when this module loads, so none is missed,
// but nothing changes unless the plugin is activated (a disabled extension's module still loads).
let activated = false;
const early = [];
const warned = new Set();

function useCourseFramePath(model) {
  const version = model.get('_model_module_version');
  if (!IPYMPL_PAGE_VERSIONS.includes(version) || typeof model.handle_binary !== 'function') {
    if (!warned.has(version)) {
      warned.add(version);
      console.warn(
        `${PLUGIN_ID}: jupyter-matplotlib ${version} is not a version this plugin was written for ` +
          `(${IPYMPL_PAGE_VERSIONS.join(', ')}); its figures keep ipympl's own frame path.`
      );
    }
    return;
  }
  model.handle_binary = handleBinaryWithoutEncoding;
  model.courseFrames = PLUGIN_ID;
  model.on('destroy', () => clearTimeout(model.courseDataUrlTimer));
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
    early.push(new WeakRef(this));
  }
};

export default {
  id: PLUGIN_ID,
  description: 'ipympl figures: no whole-figure PNG encoding on the page after every frame',
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
