"""Exactly once per period: claims, completion in the work's transaction, take-over of dead runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.domain import FieldKey, JobRunStatus
from jobs import runs
from storage.models import Club, JobRun

HOUR = timedelta(hours=1)


def count_clubs(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Club))


def add_club(name: str):
    def work(session):
        session.add(Club(name=name, field=FieldKey.AI))

    return work


def test_a_run_is_done_once_and_then_skipped(database):
    assert (
        runs.run_once(database, "j", "2026-W47", "club:1", add_club("a"), owner="clock:h:1", take_over_after=HOUR)
        == "done"
    )
    assert (
        runs.run_once(database, "j", "2026-W47", "club:1", add_club("b"), owner="clock:h:1", take_over_after=HOUR)
        == "skipped"
    )
    assert count_clubs(database) == 1
    # another period or scope is another run
    assert (
        runs.run_once(database, "j", "2026-W48", "club:1", add_club("c"), owner="clock:h:1", take_over_after=HOUR)
        == "done"
    )
    assert count_clubs(database) == 2


def test_a_failed_run_leaves_no_results_and_is_retried(database):
    def broken(session):
        session.add(Club(name="half", field=FieldKey.AI))
        raise RuntimeError("died half-way")

    assert runs.run_once(database, "j", "p", "", broken, owner="clock:h:1", take_over_after=HOUR) == "failed"
    assert count_clubs(database) == 0
    [summary] = runs.last_runs(database, "j")
    assert summary.status == "failed" and "died half-way" in summary.error
    assert runs.run_once(database, "j", "p", "", add_club("ok"), owner="clock:h:1", take_over_after=HOUR) == "done"
    [summary] = runs.last_runs(database, "j")
    assert (summary.status, summary.attempts) == ("done", 2)


def test_a_run_claimed_by_a_dead_clock_is_taken_over_at_once(database):
    dead = runs.claim(database, "j", "p", "", owner="clock:h:111", take_over_after=HOUR)
    assert dead is not None
    # a live process of another kind does not steal a fresh claim...
    assert runs.claim(database, "j", "p", "", owner="cli:h:222", take_over_after=HOUR) is None
    # ...but the next clock does (only one clock holds the lock, so the old one is dead)
    new = runs.claim(database, "j", "p", "", owner="clock:h:333", take_over_after=HOUR)
    assert new is not None and new.attempt == 2


def test_the_old_owner_cannot_commit_after_a_take_over(database):
    old = runs.claim(database, "j", "p", "", owner="clock:h:1", take_over_after=HOUR)
    new = runs.claim(database, "j", "p", "", owner="clock:h:2", take_over_after=HOUR)
    assert old and new
    with pytest.raises(runs.LostClaim), database.session() as session:
        add_club("from-old")(session)
        runs.complete(session, old)
    assert count_clubs(database) == 0  # the old attempt's work was rolled back
    with database.session() as session:
        add_club("from-new")(session)
        runs.complete(session, new)
    assert count_clubs(database) == 1
    with database.session() as session:
        assert session.scalar(select(JobRun.status)) is JobRunStatus.DONE


def test_a_stale_claim_of_another_kind_is_taken_over_after_the_limit(database):
    assert runs.claim(database, "j", "p", "", owner="cli:h:1", take_over_after=HOUR)
    assert runs.claim(database, "j", "p", "", owner="clock:h:2", take_over_after=HOUR) is None
    taken = runs.claim(database, "j", "p", "", owner="clock:h:2", take_over_after=timedelta(0))
    assert taken is not None and taken.attempt == 2
