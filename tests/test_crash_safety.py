"""Crash safety: an ingest SIGKILLed at random points leaves a consistent database
(nothing half-stored), and running it again ends where a clean ingest ends.

A short version of `python bench/crash_ingest.py` (which does 20+ kills through the CLI).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import crash_ingest  # noqa: E402


def test_kills_leave_consistent_database(tmp_path):
    summary = crash_ingest.crash_test(kills=5, files=24, seed=11, driver="corpus", workdir=tmp_path, log=lambda *_: None)
    assert summary["filings_clean"] > 0
    for row in summary["results"]:
        assert row["problems_after_kill"] == [], row
        assert row["rerun_exit"] == 0, row
        assert row["final_equals_clean"], row
        assert row["problems_after_rerun"] == [], row


def _stored_home(tmp_path) -> Path:
    from corpus.store import CorpusStore
    from corpus.parse import parse_file
    from tests.conftest import SEED_000

    home = tmp_path / "home"
    with CorpusStore(home) as store:
        store.put(parse_file(SEED_000))
    return home


def test_verify_sees_missing_project_rows(tmp_path):
    # the checker itself must be able to fail: a filing without its project rows is half-stored
    home = _stored_home(tmp_path)
    assert crash_ingest.verify(home) == []
    db = sqlite3.connect(home / "corpus.sqlite3")
    db.execute("DELETE FROM projects WHERE idx = 0")
    db.commit()
    db.close()
    assert any("project rows" in p for p in crash_ingest.verify(home))


def test_verify_sees_truncated_record(tmp_path):
    home = _stored_home(tmp_path)
    db = sqlite3.connect(home / "corpus.sqlite3")
    db.execute("UPDATE filings SET record = substr(record, 1, 100)")
    db.commit()
    db.close()
    assert any("does not parse" in p for p in crash_ingest.verify(home))


@pytest.mark.slow
def test_kills_through_the_cli(tmp_path):
    summary = crash_ingest.crash_test(kills=20, files=60, seed=5, driver="cli", workdir=tmp_path, log=lambda *_: None)
    assert summary["inconsistent_after_kill"] == 0
    assert summary["final_mismatches"] == 0
    assert summary["rerun_failures"] == 0
