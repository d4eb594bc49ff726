// aeviz training monitor: the loss curves and the latent scatter, redrawn on two canvases after every epoch while a
// model trains. A Plotly chart is rebuilt from scratch on each update (0.2-0.36 s of browser CPU per chart on a 2-core
// machine, whatever its size), and that CPU was taken from the training it showed; an update of this monitor costs
// about 0.04 s (BENCHMARKS.md). The finished model gets the interactive Plotly figures. Text is drawn with fillText or
// set as textContent: nothing from the data is inserted as HTML. `aeviz` (CLASS_COLORS, COLOR, el) comes from common.js.

const VIRIDIS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];
const FONT = "12px sans-serif";
const PAD = { left: 56, right: 12, top: 12, bottom: 40 };

// "Nice" tick values (steps of 1, 2 or 5 times a power of ten) covering [lo, hi].
function ticks(lo, hi, count = 5) {
  const raw = (hi - lo) / count || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function extent(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo === Infinity) return [0, 1];
  const margin = (hi - lo) * 0.05 || Math.abs(lo) * 0.1 || 1;
  return [lo - margin, hi + margin];
}

// A canvas sized to its box in CSS pixels and drawn at the device's resolution; returns the context and the size.
function fit(canvas, height) {
  const width = Math.max(canvas.parentElement.clientWidth, 240);
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

// Axes with ticks and titles over the plot box; returns functions that map data to canvas coordinates. With `logY`
// the y range is in log10 units, ticks sit at powers of ten and values are mapped through log10.
function axes(ctx, box, xr, yr, xTitle, yTitle, logY = false) {
  const sx = (v) => box.x + ((v - xr[0]) / (xr[1] - xr[0])) * box.w;
  const ly = (v) => box.y + box.h - ((v - yr[0]) / (yr[1] - yr[0])) * box.h;
  const sy = logY ? (v) => ly(Math.log10(v)) : ly;
  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.strokeStyle = "#e6e6e6";
  ctx.fillStyle = "#555";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of ticks(xr[0], xr[1])) {
    ctx.beginPath();
    ctx.moveTo(sx(t), box.y);
    ctx.lineTo(sx(t), box.y + box.h);
    ctx.stroke();
    ctx.fillText(String(t), sx(t), box.y + box.h + 4);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const yTicks = logY ? ticks(yr[0], yr[1]).filter(Number.isInteger) : ticks(yr[0], yr[1]);
  for (const t of yTicks) {
    ctx.beginPath();
    ctx.moveTo(box.x, ly(t));
    ctx.lineTo(box.x + box.w, ly(t));
    ctx.stroke();
    ctx.fillText(logY ? `1e${t}` : String(t), box.x - 6, ly(t));
  }
  ctx.strokeStyle = "#999";
  ctx.strokeRect(box.x, box.y, box.w, box.h);
  ctx.fillStyle = "#333";
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText(xTitle, box.x + box.w / 2, box.y + box.h + PAD.bottom - 2);
  ctx.save();
  ctx.translate(14, box.y + box.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle";
  ctx.fillText(yTitle, 0, 0);
  ctx.restore();
  return { sx, sy };
}

function drawLosses(canvas, history, total, logY) {
  const { ctx, width, height } = fit(canvas, 320);
  const box = { x: PAD.left, y: PAD.top + 18, w: width - PAD.left - PAD.right, h: height - PAD.top - 18 - PAD.bottom };
  const values = history.flatMap(([, train, val]) => [train, val]).filter((v) => Number.isFinite(v));
  const yr = extent(logY ? values.map(Math.log10) : values);
  const title = logY ? "loss per feature (log scale)" : "loss per feature";
  const { sx, sy } = axes(ctx, box, [0.5, total + 0.5], yr, "epoch", title, logY);
  const series = [
    [1, aeviz.COLOR.training, "training"],
    [2, aeviz.COLOR.validation, "validation"],
  ];
  for (const [column, color] of series) {
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = 2;
    const rows = history.filter((row) => Number.isFinite(row[column])); // a diverged epoch arrives as null
    ctx.beginPath();
    rows.forEach((row, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, sx(row[0]), sy(row[column])));
    ctx.stroke();
    for (const row of rows) {
      ctx.beginPath();
      ctx.arc(sx(row[0]), sy(row[column]), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  // legend, top right
  ctx.font = FONT;
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  let x = width - PAD.right - 170;
  for (const [, color, name] of series) {
    ctx.fillStyle = color;
    ctx.fillRect(x, PAD.top, 14, 3);
    ctx.fillStyle = "#333";
    ctx.fillText(name, x + 18, PAD.top + 1);
    x += 85;
  }
}

function viridis(t) {
  const scaled = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(scaled), VIRIDIS.length - 2);
  const mix = (a, b) => Math.round(a + (b - a) * (scaled - i));
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]].map((c) => [1, 3, 5].map((k) => parseInt(c.slice(k, k + 2), 16)));
  return `rgb(${mix(a[0], b[0])},${mix(a[1], b[1])},${mix(a[2], b[2])})`;
}

function drawScatter(canvas, scatter) {
  const { points, labels, label_kind: kind, class_names: names } = scatter;
  const legend = kind === "class" ? 90 : 0;
  const { ctx, width, height } = fit(canvas, 420);
  const box = { x: PAD.left, y: PAD.top, w: width - PAD.left - PAD.right - legend, h: height - PAD.top - PAD.bottom };
  const xr = extent(points.map((p) => p[0]));
  const yr = extent(points.map((p) => p[1]));
  const { sx, sy } = axes(ctx, box, xr, yr, scatter.axis_titles[0], scatter.axis_titles[1]);
  const lr = kind === "continuous" ? extent(labels) : null;
  ctx.globalAlpha = 0.8;
  points.forEach(([x, y], i) => {
    if (kind === "class") ctx.fillStyle = aeviz.CLASS_COLORS[labels[i] % aeviz.CLASS_COLORS.length];
    else if (kind === "continuous") ctx.fillStyle = viridis((labels[i] - lr[0]) / (lr[1] - lr[0]));
    else ctx.fillStyle = aeviz.COLOR.points;
    ctx.beginPath();
    ctx.arc(sx(x), sy(y), 3, 0, 2 * Math.PI);
    ctx.fill();
  });
  ctx.globalAlpha = 1;
  if (kind === "class") {
    const shown = [...new Set(labels)].sort((a, b) => a - b);
    ctx.font = FONT;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    shown.forEach((k, row) => {
      const y = PAD.top + 8 + row * 18;
      ctx.fillStyle = aeviz.CLASS_COLORS[k % aeviz.CLASS_COLORS.length];
      ctx.beginPath();
      ctx.arc(width - legend + 6, y, 4, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = "#333";
      ctx.fillText(names[k] ?? String(k), width - legend + 16, y);
    });
  }
}

export default function ({ data, parentElement }) {
  // One root per mount; each epoch's update redraws into it.
  let root = parentElement.querySelector(".aeviz-monitor");
  if (!root) {
    root = aeviz.el("div", { class: "aeviz-monitor" }, parentElement);
    for (const name of ["losses", "scatter"]) {
      const panel = aeviz.el("div", { class: `panel ${name}` }, root);
      aeviz.el("div", { class: "title" }, panel);
      aeviz.el("canvas", { class: name, "aria-label": name === "losses" ? "loss per epoch" : "latent space" }, panel);
    }
  }
  const [losses, scatter] = root.querySelectorAll(".panel");
  losses.querySelector(".title").textContent = "Loss per epoch";
  scatter.querySelector(".title").textContent = data.scatter.title;
  drawLosses(losses.querySelector("canvas"), data.history, data.total, data.log_losses);
  drawScatter(scatter.querySelector("canvas"), data.scatter);
  // for the browser tests: what was drawn last
  aeviz.monitor = { epoch: data.history.length, points: data.scatter.points.length };
}
