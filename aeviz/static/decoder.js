// aeviz latent decoder: runs an autoencoder's decoder in the browser, so sliders and the latent pad redraw on every
// input event instead of waiting for a server round trip. The decoder arrives as plain data (aeviz/decoder_export.py): a list
// of layers with base64 float32 weights. Nothing from the data is ever inserted as HTML (labels use textContent).

const decoded = new Map(); // model key -> layers with Float32Array weights, so a rerun does not decode base64 again

function floats(b64) {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

function prepare(decoder) {
  return decoder.layers.map((layer) =>
    layer.weight ? { ...layer, w: floats(layer.weight), b: floats(layer.bias), weight: undefined, bias: undefined } : layer,
  );
}

// --- the forward pass: Linear, Conv2d (stride 1), nearest Upsample to a size, reshape/flatten, activations -----------
// Tensors are {data: Float32Array, shape: [c, h, w] or [n]}. A JavaScript number is a float64, so each sum here runs in
// float64 and is stored as float32; torch sums in float32 (and in its own order). The two differ by rounding only, far
// below the 1e-4 per pixel that tests/e2e/test_browser_decoder.py allows.

function linear(layer, x) {
  const out = new Float32Array(layer.out);
  const n = layer.in;
  for (let o = 0; o < layer.out; o++) {
    let s = layer.b[o];
    const row = o * n;
    for (let i = 0; i < n; i++) s += layer.w[row + i] * x.data[i];
    out[o] = s;
  }
  return { data: out, shape: [layer.out] };
}

function conv2d(layer, x) {
  const [cin, h, w] = x.shape;
  const [kh, kw] = layer.kernel;
  const [ph, pw] = layer.padding;
  const oh = h + 2 * ph - kh + 1;
  const ow = w + 2 * pw - kw + 1;
  const out = new Float32Array(layer.out * oh * ow);
  for (let co = 0; co < layer.out; co++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        let s = layer.b[co];
        for (let ci = 0; ci < cin; ci++) {
          const wBase = ((co * cin + ci) * kh) * kw;
          const iBase = ci * h * w;
          for (let ky = 0; ky < kh; ky++) {
            const iy = y + ky - ph;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = xo + kx - pw;
              if (ix < 0 || ix >= w) continue;
              s += layer.w[wBase + ky * kw + kx] * x.data[iBase + iy * w + ix];
            }
          }
        }
        out[(co * oh + y) * ow + xo] = s;
      }
    }
  }
  return { data: out, shape: [layer.out, oh, ow] };
}

function upsample(layer, x) {
  // torch's "nearest": source index = floor(destination * in / out)
  const [c, h, w] = x.shape;
  const [oh, ow] = layer.size;
  const out = new Float32Array(c * oh * ow);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < oh; y++) {
      const sy = Math.min(Math.floor((y * h) / oh), h - 1);
      for (let xo = 0; xo < ow; xo++) {
        const sx = Math.min(Math.floor((xo * w) / ow), w - 1);
        out[(ch * oh + y) * ow + xo] = x.data[(ch * h + sy) * w + sx];
      }
    }
  }
  return { data: out, shape: [c, oh, ow] };
}

function pointwise(x, f) {
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]);
  return { data: out, shape: x.shape };
}

const ACTIVATIONS = {
  relu: () => (v) => (v > 0 ? v : 0),
  sigmoid: () => (v) => 1 / (1 + Math.exp(-v)),
  tanh: () => Math.tanh,
  identity: () => (v) => v,
  leaky_relu: (layer) => (v) => (v > 0 ? v : v * layer.slope),
};

export function decode(layers, code) {
  let x = { data: Float32Array.from(code), shape: [code.length] };
  for (const layer of layers) {
    if (layer.type === "linear") x = linear(layer, x);
    else if (layer.type === "conv2d") x = conv2d(layer, x);
    else if (layer.type === "upsample") x = upsample(layer, x);
    else if (layer.type === "reshape") x = { data: x.data, shape: layer.shape };
    else if (layer.type === "flatten") x = { data: x.data, shape: [x.data.length] };
    else if (ACTIVATIONS[layer.type]) x = pointwise(x, ACTIVATIONS[layer.type](layer));
    else throw new Error(`unknown layer ${layer.type}`);
  }
  return x.data;
}

// --- drawing and the controls (`aeviz`: CLASS_COLORS, COLOR, el, comes from common.js) -----------------------------------------

function drawImage(canvas, pixels, shape) {
  const [h, w] = shape;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const v = Math.round(Math.min(Math.max(pixels[i], 0), 1) * 255);
    image.data[4 * i] = v;
    image.data[4 * i + 1] = v;
    image.data[4 * i + 2] = v;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

// The code being walked. A rerun (e.g. the one our own release triggers) mounts the component again with the same
// start code: then the user's current code is kept.
function currentCode(parentElement, data) {
  const start = `${data.model_key}|${data.code.join(",")}`;
  const kept = parentElement.__aevizState;
  const code = kept && kept.start === start ? kept.code : Float32Array.from(data.code);
  parentElement.__aevizState = { start, code };
  return code;
}

// The latent pad: the codes of the shown samples over two dimensions, with a cross-hair to drag. Returns
// {canvas, draw(), codeAt(event)} or null when the code has fewer than two slider dimensions.
function latentPad(parent, pad, ranges, code) {
  if (!pad) return null;
  const canvas = aeviz.el("canvas", { class: "pad", width: 360, height: 360, "aria-label": "latent pad" }, parent);
  const ctx = canvas.getContext("2d");
  const [dx, dy] = pad.dims;
  const toPad = (v, d, size) => ((v - ranges[d][0]) / (ranges[d][1] - ranges[d][0])) * size;
  const fromPad = (p, d, size) => ranges[d][0] + (p / size) * (ranges[d][1] - ranges[d][0]);
  aeviz.el("div", { class: "caption", text: `drag: z${dx} → right, z${dy} → up` }, parent);
  let background = null; // the scattered codes, drawn once

  function drawPoints(W, H) {
    ctx.fillStyle = "#fafafa";
    ctx.fillRect(0, 0, W, H);
    for (let i = 0; i < pad.points.length; i++) {
      const [px, py] = pad.points[i];
      ctx.fillStyle = pad.labels ? aeviz.CLASS_COLORS[pad.labels[i] % aeviz.CLASS_COLORS.length] : aeviz.COLOR.points;
      ctx.globalAlpha = 0.55;
      ctx.fillRect(toPad(px, dx, W) - 1.5, H - toPad(py, dy, H) - 1.5, 3, 3);
    }
    ctx.globalAlpha = 1;
    drawAxes(W, H);
    return ctx.getImageData(0, 0, W, H);
  }

  // the pad's axes: the zero lines when zero is in range, each range's ends and each dimension's name
  function drawAxes(W, H) {
    ctx.strokeStyle = "#bbb";
    ctx.lineWidth = 1;
    ctx.beginPath();
    const x0 = toPad(0, dx, W);
    const y0 = H - toPad(0, dy, H);
    if (x0 > 0 && x0 < W) { ctx.moveTo(x0, 0); ctx.lineTo(x0, H); }
    if (y0 > 0 && y0 < H) { ctx.moveTo(0, y0); ctx.lineTo(W, y0); }
    ctx.stroke();
    const number = (v) => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1)).replace("-", "−");
    ctx.fillStyle = "#555";
    ctx.font = "12px sans-serif";
    ctx.textBaseline = "bottom";
    ctx.textAlign = "left";
    ctx.fillText(number(ranges[dx][0]), 4, H - 2);
    ctx.textAlign = "right";
    ctx.fillText(number(ranges[dx][1]), W - 4, H - 2);
    ctx.textAlign = "center";
    ctx.fillText(`z${dx} →`, W / 2, H - 2);
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.fillText(number(ranges[dy][1]), 4, 4);
    ctx.fillText(`z${dy} ↑`, 4, H / 2 - 6);
  }

  function draw() {
    const W = canvas.width;
    const H = canvas.height;
    if (background) ctx.putImageData(background, 0, 0);
    else background = drawPoints(W, H);
    const cx = toPad(code[dx], dx, W);
    const cy = H - toPad(code[dy], dy, H);
    ctx.strokeStyle = "#222";
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(cx, 0);
    ctx.lineTo(cx, H);
    ctx.moveTo(0, cy);
    ctx.lineTo(W, cy);
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(cx, cy, 6, 0, 2 * Math.PI);
    ctx.stroke();
  }

  // a pointer position on the pad sets the two dimensions of the code
  function moveTo(event) {
    const rect = canvas.getBoundingClientRect();
    const px = Math.min(Math.max(event.clientX - rect.left, 0), rect.width);
    const py = Math.min(Math.max(event.clientY - rect.top, 0), rect.height);
    code[dx] = fromPad(px, dx, rect.width);
    code[dy] = fromPad(rect.height - py, dy, rect.height);
  }
  return { canvas, draw, moveTo };
}

// One range input per chosen dimension; returns Map(dimension -> {input, value}).
function codeSliders(parent, dims, ranges, code) {
  const sliders = new Map();
  for (const d of dims) {
    const row = aeviz.el("label", { class: "slider" }, parent);
    aeviz.el("span", { class: "name", text: `z${d}` }, row);
    const [lo, hi] = ranges[d];
    const input = aeviz.el("input", { type: "range", min: lo, max: hi, step: (hi - lo) / 200 }, row);
    input.value = code[d];
    input.dataset.dim = d;
    const value = aeviz.el("span", { class: "value", text: code[d].toFixed(2) }, row);
    sliders.set(d, { input, value });
  }
  return sliders;
}

// The decoded image, `scale` times enlarged with crisp pixels, and a line that tells how long a decode took.
function outputCanvas(parent, shape, scale) {
  const canvas = aeviz.el("canvas", { class: "image", width: shape[1], height: shape[0], "aria-label": "decoded image" }, parent);
  canvas.style.width = `${shape[1] * scale}px`;
  canvas.style.height = `${shape[0] * scale}px`;
  aeviz.el("div", { class: "caption", text: "decoded g(h), in your browser" }, parent);
  const timing = aeviz.el("div", { class: "caption timing" }, parent);
  return { canvas, timing };
}

// Input events change the code and ask for a frame; a release sends the code to Python.
function listen(sliders, pad, code, schedule, commit) {
  for (const [d, s] of sliders) {
    s.input.addEventListener("input", () => {
      code[d] = parseFloat(s.input.value);
      schedule();
    });
    s.input.addEventListener("change", commit);
  }
  if (!pad) return;
  pad.canvas.addEventListener("pointerdown", (event) => {
    pad.canvas.setPointerCapture(event.pointerId);
    pad.moveTo(event);
    schedule();
  });
  pad.canvas.addEventListener("pointermove", (event) => {
    if (!event.buttons) return;
    pad.moveTo(event);
    schedule();
  });
  pad.canvas.addEventListener("pointerup", commit);
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  if (!decoded.has(data.model_key)) decoded.set(data.model_key, prepare(data.decoder));
  const layers = decoded.get(data.model_key);
  const code = currentCode(parentElement, data);
  const shape = data.decoder.image_shape;

  parentElement.querySelector(".aeviz-decoder")?.remove();
  const root = aeviz.el("div", { class: "aeviz-decoder" }, parentElement);
  const left = aeviz.el("div", { class: "controls" }, root);
  const pad = latentPad(left, data.pad, data.ranges, code);
  const sliders = codeSliders(left, data.dims, data.ranges, code);
  const out = outputCanvas(aeviz.el("div", { class: "output" }, root), shape, data.scale);

  const stats = { frames: 0, decodeMs: 0, last: null };
  function render() {
    const t0 = performance.now();
    const pixels = decode(layers, code);
    const t1 = performance.now();
    drawImage(out.canvas, pixels, shape);
    pad?.draw();
    for (const [d, s] of sliders) {
      s.input.value = code[d];
      s.value.textContent = code[d].toFixed(2);
    }
    stats.frames += 1;
    stats.decodeMs += t1 - t0;
    stats.last = pixels;
    out.timing.textContent = `decode ${(t1 - t0).toFixed(2)} ms`;
  }
  let pending = false;
  function schedule() {
    // one decode per animation frame, however fast the events come
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      render();
    });
  }
  listen(sliders, pad, code, schedule, () => setStateValue("code", Array.from(code)));
  render();

  // for the browser tests and the benchmark: decode any code, and read the frame statistics
  aeviz.decoders = aeviz.decoders || {};
  aeviz.decoders[data.model_key] = {
    decode: (z) => Array.from(decode(layers, z)),
    code: () => Array.from(code),
    stats,
    canvas: out.canvas,
  };
  return () => {
    delete aeviz.decoders[data.model_key];
  };
}
