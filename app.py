"""aeviz: the entry file routes (page config and navigation in the order of the lecture), after what every page needs
first: the process's thread settings and its job pool's worker processes (once, before torch or numba is imported:
the workers warm up while the first page draws) and the result of this session's finished background job
(aeviz.ui.job_panel), whichever page the student is on.

The page files live in views/, not pages/: with a pages/ folder, Streamlit 1.67 runs the first direct link of a fresh
server (e.g. a shared /latent_walk URL) in the legacy folder mode, without this file's navigation and page config.
"""

from pathlib import Path

from aeviz.jobs import start_server_pool
from aeviz.runtime import configure_environment, map_large_blocks

configure_environment()
map_large_blocks()  # big blocks freed go back to the system (aeviz.runtime)
start_server_pool()  # once per server, before torch's import below: the workers warm up on the other cores meanwhile

import streamlit as st  # noqa: E402 - after the thread settings

from aeviz.sitemap import HOME, sections  # noqa: E402
from aeviz.ui.classroom import follow_teacher, in_turn, question_panel  # noqa: E402
from aeviz.ui.job_panel import collect_jobs  # noqa: E402
from aeviz.ui.lecture import lecture_stage  # noqa: E402
from aeviz.ui.resources import collect_now_and_then, load_torch_once, warm_up_after  # noqa: E402
from aeviz.ui.room import claim_teacher  # noqa: E402
from aeviz.ui.run_tails import keep_run_tails  # noqa: E402
from aeviz.ui.style import house_style  # noqa: E402

keep_run_tails()  # a follower's look never again drops the end of the page's whole run (aeviz.ui.run_tails)

# The favicon is a file of the package: a Material icon as page_icon is fetched from fonts.gstatic.com, and nothing may
# download at run time (a classroom may be offline).
ICON = str(Path(__file__).resolve().parent / "aeviz" / "static" / "favicon.png")
st.set_page_config(page_title="aeviz — autoencoder latent spaces", page_icon=ICON, layout="wide")
house_style()
claim_teacher()  # ?teacher=TOKEN (the link the server's terminal printed) makes this session the teacher's

pages = {
    section: [st.Page(p.file, title=p.title, icon=p.icon, default=p is HOME) for p in members]
    for section, members in sections().items()
}
collect_jobs()
page = st.navigation(pages, expanded=True)  # all 13 pages: the default folds the menu after 10
load_torch_once(light=page.title == HOME.title)  # Home draws without torch; another first page says why it waits
moved = follow_teacher(page.title)  # a student moves to the teacher's step while the teacher presents
lecture_stage(page.title)  # a lecture step's strip and key figure come first
with in_turn(moved):  # the followers a move brings here draw their pages one at a time
    page.run()
question_panel()  # the step's question, beside its figure, with the answer the page computed
collect_now_and_then()  # instead of Streamlit's collection after every run (.streamlit/config.toml)
warm_up_after()  # a light first page on a fresh server: PyTorch loads now, for the next page
