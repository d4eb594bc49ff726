// aeviz queue clock: while a student's job waits in the class queue, this line counts down to its estimated start in
// the browser, and asks the server to look again (a trigger value: it reruns only the fragment around it) once
// `data.poll_in` seconds have passed. The server chooses that delay from the estimate (aeviz.ui.work): a student far
// back in the queue is asked rarely, the next in line every few seconds. A fixed `run_every` poll cost each waiting
// page 0.1-0.3 s of browser CPU per poll on the class's shared 2-core server (bench/bench_classroom.py). A running
// job's panel uses the same timer without the line (`data.start_in` null), so that its poll, too, is chosen on each
// run (less often while others wait). `aeviz` (el) comes from common.js.

// An estimate rounded as coarsely as it is worth (10 s under a minute, 30 s under three, then whole minutes), so that
// the line changes every 10-60 s, not every second: each change lays out and repaints Streamlit's whole page (~7 ms
// of browser CPU, measured), and in a test class thirty waiting students' browsers share the server's cores.
function duration(seconds) {
  const step = seconds < 60 ? 10 : seconds < 180 ? 30 : 60;
  const s = Math.max(step, Math.round(seconds / step) * step);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
}

export default function ({ data, parentElement, setTriggerValue }) {
  clearInterval(parentElement.__aevizCountdown);
  clearTimeout(parentElement.__aevizPoll);
  if (data.start_in !== null) {
    // a waiting job: the countdown line (a running job's panel has only the timer)
    let line = parentElement.querySelector(".aeviz-queue");
    if (!line) line = aeviz.el("div", { class: "aeviz-queue", role: "status" }, parentElement);
    const shown = performance.now();
    const draw = () => {
      const left = data.start_in - (performance.now() - shown) / 1000;
      const text = left >= 1 ? `Estimated start in about ${duration(left)}.` : "Starting any moment now…";
      if (line.textContent !== text) line.textContent = text;
    };
    draw();
    parentElement.__aevizCountdown = setInterval(draw, 1000);
  }
  parentElement.__aevizPoll = setTimeout(() => setTriggerValue("poll", data.poll), data.poll_in * 1000);
  return () => {
    clearInterval(parentElement.__aevizCountdown);
    clearTimeout(parentElement.__aevizPoll);
  };
}
