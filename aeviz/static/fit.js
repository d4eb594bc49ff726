// aeviz fit: a lecture step's formulas (KaTeX) shrink to the width of their column instead of running past its edge,
// where KaTeX would cut them (and offer a scrollbar nobody can use on a projector): at 1280×720 the notes column is
// 227-389 px wide, and a formula with the step's numbers up to 568 px. Below MIN of their size they would be too small
// to read, so a formula that needs more stays at MIN and scrolls. Installed once per window; it looks again whenever
// the page changes (a formula drawn anew with new numbers), a column's width changes or fonts arrive.
//
// A formula is refitted only when it overflows its column, or when the column has grown by more than GROW pixels
// since it was fitted: a fitted formula makes the page shorter, which can take away the page's scrollbar and widen the
// column by its width; refitting on every such change would make the two chase each other.
const MIN = 0.55;
const GROW = 24; // px: more than a scrollbar's width

export default function () {
  if (aeviz.fitting) return;
  aeviz.fitting = true;
  const box = (display) => display.closest('[data-testid="stElementContainer"]') ?? display.parentElement;
  const fit = () => {
    for (const display of document.querySelectorAll('[data-testid="stMain"] .katex-display')) {
      const katex = display.querySelector(":scope > .katex");
      const width = box(display).clientWidth; // the column's: st.latex's own box shrinks to its formula
      if (!katex || width === 0) continue;
      const scale = Number(katex.dataset.fitScale ?? 1);
      const overflowing = display.scrollWidth > width + 3; // KaTeX's display scrolls by 2 px even when all fits
      const room = scale < 1 && width > Number(katex.dataset.fitWidth) + GROW;
      if (katex.dataset.fitWidth !== undefined && !overflowing && !room) continue;
      const natural = display.scrollWidth / scale; // a formula's width is in proportion to its font size
      const next = natural > width ? Math.max(MIN, (0.98 * width) / natural) : 1;
      katex.style.fontSize = next < 1 ? `${1.21 * next}em` : ""; // KaTeX's own size is 1.21em
      katex.dataset.fitScale = String(next);
      katex.dataset.fitWidth = String(width);
    }
  };
  let pending = false;
  const soon = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      fit();
    });
  };
  const sized = new ResizeObserver(soon);
  const watch = () => {
    for (const display of document.querySelectorAll('[data-testid="stMain"] .katex-display:not([data-fit-watched])')) {
      display.dataset.fitWatched = "1";
      sized.observe(box(display));
    }
    soon();
  };
  new MutationObserver(watch).observe(document.body, { childList: true, subtree: true, characterData: true });
  window.addEventListener("resize", soon);
  document.fonts.addEventListener("loadingdone", soon); // KaTeX's fonts arrive after its first formulas: wider
  watch();
}
