"""aeviz.ui.replicas: a student's job lost with the copy of the server that ran it is reported once by another copy,
never while that copy's heart beats, never by the copy that runs it, and not at all without a shared folder."""

import os
import time

import pytest

from aeviz.ui import replicas

OWNER = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def shared(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_LIVE_DIR", str(tmp_path))
    return tmp_path / "copies"


def as_copy(monkeypatch, copy: str) -> None:
    monkeypatch.setattr(replicas, "COPY_ID", copy)


def test_a_job_of_a_copy_that_stopped_is_reported_once_by_another(shared, monkeypatch):
    as_copy(monkeypatch, "copy-a")
    replicas.beat()
    replicas.mark(OWNER, "training", "training mnist, 2-D code")
    assert replicas.lost_job(OWNER) is None  # the copy that runs it: its pool knows it
    as_copy(monkeypatch, "copy-b")
    assert replicas.lost_job(OWNER) == ("training", "training mnist, 2-D code", False)  # A's heart still beats
    stopped = time.time() - replicas.DEAD_AFTER - 1
    os.utime(shared / "beats" / "copy-a", (stopped, stopped))
    assert replicas.lost_job(OWNER) == ("training", "training mnist, 2-D code", True)
    assert replicas.lost_job(OWNER) is None  # said once


def test_a_collected_job_leaves_no_marker_and_the_marker_names_no_owner_key(shared, monkeypatch):
    as_copy(monkeypatch, "copy-a")
    replicas.mark(OWNER, "training", "x")
    (marker,) = (shared / "jobs").iterdir()
    assert OWNER not in marker.name and OWNER not in marker.read_text()
    replicas.unmark(OWNER)
    as_copy(monkeypatch, "copy-b")  # copy A never beat: as good as dead, but nothing is marked
    assert replicas.lost_job(OWNER) is None


def test_a_damaged_marker_says_nothing_and_goes(shared, monkeypatch):
    as_copy(monkeypatch, "copy-a")
    replicas.mark(OWNER, "training", "x")
    (marker,) = (shared / "jobs").iterdir()
    marker.write_text("{not json")
    as_copy(monkeypatch, "copy-b")
    assert replicas.lost_job(OWNER) is None and not marker.exists()


def test_one_server_keeps_no_markers(tmp_path, monkeypatch):
    monkeypatch.delenv("AEVIZ_LIVE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    replicas.mark(OWNER, "training", "x")
    replicas.beat()
    assert replicas.lost_job(OWNER) is None and list(tmp_path.iterdir()) == []
