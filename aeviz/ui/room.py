"""The server's one room (aeviz.room) and who in it is the teacher.

The room is made on the server's first script run, which prints the teacher's link in the server's terminal (as
Jupyter prints its token). A session that opens any page with ?teacher=TOKEN becomes the teacher's: the value leaves
the URL at once, whether it was right or not, and is never written into a page or a link. A wrong token is an
ordinary student, told so once. The room remembers the teacher's browser by its owner key (kept in its cookie), so a
reload or a second tab of that browser is the teacher's too.
"""

from __future__ import annotations

import os
import sys
import urllib.parse

import streamlit as st
from streamlit import net_util

from aeviz.room import Published, Room, make_room
from aeviz.ui.state import session

TEACHER_PARAM = "teacher"
CLASS_URL_ENV = "AEVIZ_CLASS_URL"  # the address students use, when the server's own is not it (a proxy, a name)
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")
WRONG_TOKEN = "That teacher link is not this server's: you are here as a student. (The teacher's link is printed in " \
    "the terminal that started the server.)"  # fmt: skip


@st.cache_resource
def class_room() -> Room:
    """The room of this server (shared with the other replicas through $AEVIZ_LIVE_DIR), made once; its teacher's
    link goes to the server's terminal, nowhere else."""
    room = make_room()
    port = st.get_option("server.port")
    print(
        f"\n  aeviz — the teacher's link (do not project it): http://localhost:{port}/lecture?{TEACHER_PARAM}="
        f"{room.token}\n  (on another machine: the same path and ?{TEACHER_PARAM}=… on this server's address)\n",
        file=sys.stdout,
        flush=True,
    )
    return room


def claim_teacher() -> None:
    """Read and drop ?teacher=…: the right token makes this session the teacher's, a wrong one is said once."""
    room = class_room()  # made on the first run of the server: its link is in the terminal before anyone needs it
    state = session()
    if not state.teacher_checked:  # a reload or a second tab of the teacher's browser (its owner key, in its cookie)
        state.teacher_checked = True
        state.teacher = room.knows_teacher(state.owner)
    if TEACHER_PARAM not in st.query_params:
        return
    given = st.query_params.get(TEACHER_PARAM)
    del st.query_params[TEACHER_PARAM]
    if room.is_teacher(given):
        state.teacher = True
        room.admit_teacher(state.owner)
        st.toast("You are the teacher of this class: your steps lead the students who follow.", icon=":material/school:")
    elif not state.teacher:
        st.warning(WRONG_TOKEN, icon=":material/person:")


def is_teacher() -> bool:
    return session().teacher


def teacher_moves(number: int) -> Published | None:
    """The teacher went to step `number` (Next, Previous, Reset, an outline link): the class follows."""
    return class_room().publish(number) if is_teacher() else None


def teacher_is_on(number: int) -> None:
    """The teacher's page shows step `number` (a reload, a link): published if the class is elsewhere."""
    if is_teacher():
        published = class_room().published()
        if published is None or published.step != number:
            class_room().publish(number)


def class_url() -> str:
    """The address the students type or scan: $AEVIZ_CLASS_URL when set (http or https), else the one this browser
    uses, with a local host name replaced by the machine's network address (Streamlit's "Network URL")."""
    chosen = os.environ.get(CLASS_URL_ENV, "").strip()
    if urllib.parse.urlsplit(chosen).scheme in ("http", "https"):
        return chosen
    here = urllib.parse.urlsplit(st.context.url or f"http://localhost:{st.get_option('server.port')}/")
    netloc = here.netloc
    if here.hostname in LOCAL_HOSTS and (address := net_util.get_internal_ip()):
        netloc = f"{address}:{here.port}" if here.port else address
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return urllib.parse.urlunsplit((here.scheme, netloc, f"/{base}/" if base else "/", "", ""))
