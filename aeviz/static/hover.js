// aeviz hover images: hovering a point of a Plotly scatter shows that sample's image beside the cursor. Plotly's own
// hover labels hold text only, so this component listens to the charts' `plotly_hover` events (public Plotly.js API on
// the chart element) and draws the image from one sprite sheet (aeviz.montages.sprite_png; customdata is the row).
// Only charts whose layout.meta equals data.meta are followed. `aeviz` (el) comes from common.js.

function attach(gd, show, hide) {
  gd.on("plotly_hover", (event) => {
    const point = event.points && event.points[0];
    if (point && Number.isInteger(point.customdata)) show(point.customdata, event.event);
  });
  gd.on("plotly_unhover", hide);
}

export default function ({ data, parentElement }) {
  const { meta, cols, n, scale } = data;
  const [h, w] = data.cell;
  parentElement.querySelector(".aeviz-hover")?.remove();
  const tip = aeviz.el("div", { class: "aeviz-hover", role: "tooltip" }, parentElement);
  const canvas = aeviz.el("canvas", { width: w, height: h, "aria-label": "hovered sample" }, tip);
  canvas.style.width = `${w * scale}px`;
  canvas.style.height = `${h * scale}px`;
  const caption = aeviz.el("div", { class: "caption" }, tip);
  const ctx = canvas.getContext("2d");
  const sprite = new Image();
  sprite.src = `data:image/png;base64,${data.sprite}`;

  const shown = { row: null };
  function show(row, mouse) {
    if (row < 0 || row >= n || !sprite.complete) return;
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(sprite, (row % cols) * w, Math.floor(row / cols) * h, w, h, 0, 0, w, h);
    caption.textContent = `row ${row}`;
    tip.style.display = "block";
    if (mouse) {
      // above and left of the cursor (Plotly puts its text label to the right of the point), inside the window
      const left = mouse.clientX - w * scale - 24;
      const top = mouse.clientY - h * scale - 40;
      const x = left >= 0 ? left : mouse.clientX + 18;
      const y = top >= 0 ? top : mouse.clientY + 18;
      tip.style.left = `${x}px`;
      tip.style.top = `${y}px`;
    }
    shown.row = row;
  }
  function hide() {
    tip.style.display = "none";
    shown.row = null;
  }

  // Charts are drawn (and redrawn on reruns) after this component: an observer of the page finds new ones as they
  // appear (Plotly adds the "js-plotly-plot" class once the chart is drawn and has its `on` method and layout).
  const followed = new WeakSet();
  function scan() {
    for (const gd of document.querySelectorAll(".js-plotly-plot")) {
      if (!followed.has(gd) && typeof gd.on === "function" && gd.layout && gd.layout.meta === meta) {
        attach(gd, show, hide);
        followed.add(gd);
      }
    }
  }
  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return; // one scan per frame, however many nodes a rerun adds
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      scan();
    });
  });
  observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  scan();
  // for the browser tests: which row is shown, and how many charts are followed
  aeviz.hover = { shown, charts: () => [...document.querySelectorAll(".js-plotly-plot")].filter((g) => followed.has(g)).length };
  return () => {
    observer.disconnect();
    tip.remove();
  };
}
