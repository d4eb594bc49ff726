// aeviz narrow: on a screen narrower than `below` pixels (a laptop window beside notes, a phone), fold the sidebar
// away once, so the figures get the width; Streamlit itself folds it only below 768 px. Once the student has opened
// or closed the sidebar themselves, Streamlit remembers that choice in localStorage, and this leaves it alone.
export default function ({ data }) {
  if (window.innerWidth >= data.below) return;
  if (Object.keys(window.localStorage).some((key) => key.startsWith("stSidebarCollapsed-"))) return;
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  if (!sidebar || sidebar.getBoundingClientRect().width < 10) return;  // already folded
  document.querySelector('[data-testid="stSidebarCollapseButton"] button')?.click();
}
