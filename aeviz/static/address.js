// aeviz address: a student who follows the teacher is moved to another page by the server (st.switch_page). Now and
// then the browser shows the new page under the old page's address (measured in Chromium with Streamlit 1.67 when a
// fragment's run meets the move), and a reload would open the old page. This puts the page's own path back, keeping
// the query string; it looks again a little later, in case the browser's late update comes after it.
export default function ({ data }) {
  const fix = () => {
    const parts = window.location.pathname.split("/");
    const last = parts[parts.length - 1];
    if (last === data.path) return;
    if (last === "" || data.pages.includes(last)) parts[parts.length - 1] = data.path;
    else parts.push(data.path);
    window.history.replaceState(window.history.state, "", parts.join("/") + window.location.search);
  };
  fix();
  setTimeout(fix, 400);
  setTimeout(fix, 1500);
}
