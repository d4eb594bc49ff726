// Shared by aeviz's browser components. aeviz/ui/display.py sends this file in front of each component's own script
// (a component's script is sent as one text, so it cannot import a sibling file); everything shared goes through the
// one namespace below, `aeviz`, which is also window.aeviz: the components put their handles for the browser tests and
// the benchmarks there (aeviz.decoders, aeviz.monitor, aeviz.hover), and nothing else on window.

const aeviz = (window.aeviz = window.aeviz || {});

// aeviz.CLASS_COLORS (a class has the same colour in every view) and aeviz.COLOR (training, validation, points, ...)
// are aeviz.plots.CLASS_COLORS and aeviz.plots.COLOR: aeviz/ui/display.py defines them right after this file.

// An element with attributes; "text" is set as textContent, so nothing from the data is ever parsed as HTML.
aeviz.el = function el(tag, attrs = {}, parent = null) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  if (parent) parent.appendChild(node);
  return node;
};
