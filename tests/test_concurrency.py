"""Concurrency: searches while `jixiao ingest` runs in another process see no errors and no
torn reads; an index swapped mid-read is read again; threads share one reload; opening the
database never waits for a writer; two ingests at once leave a current index.

A short version of `python bench/concurrency.py` (which also measures throughput).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import concurrency  # noqa: E402

from tests.conftest import REPO  # noqa: E402


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A home with the sample corpus and an index, and 30 generated filings in 5 batches."""
    work = tmp_path_factory.mktemp("conc")
    home, dirs = concurrency.prepare(work, filings=30, batches=5, seed=5)
    return work, home, dirs


def test_searches_during_ingest_see_no_errors_and_no_torn_reads(prepared, tmp_path):
    work, pristine, dirs = prepared
    home = tmp_path / "home"
    shutil.copytree(pristine, home)
    box: dict = {}
    stats = concurrency.run_clients(concurrency.service_client, home, 4, concurrency._during_ingest(home, dirs, box))
    got = stats.as_dict()
    assert got["searches"] > 0
    assert got["errors"] == 0, got["error_kinds"]
    assert got["torn_reads"] == 0, got["torn_kinds"]
    assert box["ingest"].failures == [] and box["ingest"].files == 30
    final = concurrency.final_state(home)
    assert final["filings"] == 34 + 30 and final["index_current"] and final["integrity_ok"], final


def test_checker_sees_a_torn_answer(prepared):
    """The torn-read check can fail: a hit whose text is not the stored passage is reported."""
    from assistant import search_service as svc

    _, home, _ = prepared
    resp = svc.search("满意度", home=home)
    checker = concurrency.Checker(home)
    try:
        assert checker.answer_problems(resp) == []
        hit = resp.hits[0]
        hit.passage.text = hit.passage.text + "（被改写）"
        resp.hits[1].passage.filing_id = "0" * 16
        problems = checker.answer_problems(resp)
    finally:
        checker.close()
    assert any(p.startswith("hit text differs") for p in problems)
    assert any(p.startswith("hit of a filing not in the database") for p in problems)


def _index_of(home: Path, n: int):
    """An index folder of the first `n` sample filings, and the (id, filing) pairs of all."""
    from index.searcher import build_index
    from tests.index_support import sample_filings

    filings = sample_filings()
    folder = home / "index"
    build_index(folder, filings[:n], {fid: f.source.sha256 for fid, f in filings[:n]})
    return folder, filings


def test_load_reads_again_when_the_index_is_swapped_mid_read(tmp_path, monkeypatch):
    from index import searcher
    from index.lexical import LexicalIndex
    from index.searcher import SearchIndex, index_generation, update_index

    folder, filings = _index_of(tmp_path, 3)
    real_load = LexicalIndex.load.__func__
    swaps = []

    def load_with_a_swap(cls, path):
        if not swaps:  # an ingest elsewhere finishes between reading passages and bm25
            ids = {fid: f.source.sha256 for fid, f in filings[:6]}
            update_index(folder, filings[3:6], ids)
            swaps.append(1)
        return real_load(cls, path)

    monkeypatch.setattr(searcher.LexicalIndex, "load", classmethod(load_with_a_swap))
    idx = SearchIndex.load(folder)
    assert swaps
    assert len(idx.rows) == idx.lexical.num_docs == idx.manifest.counts.passages
    assert len(idx.manifest.store_ids) == 6 and idx.generation == index_generation(folder)


def test_a_broken_index_is_still_refused_at_once(tmp_path):
    """The retry is for swaps only: a corrupted index with no writer around raises."""
    from index.errors import IndexCorrupted
    from index.searcher import SearchIndex

    folder, _ = _index_of(tmp_path, 2)
    (folder / "passages.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(IndexCorrupted):
        SearchIndex.load(folder, attempts=3)


def test_threads_share_one_reload(prepared, tmp_path, monkeypatch):
    from assistant import search_service as svc
    from index.searcher import SearchIndex

    _, pristine, _ = prepared
    home = tmp_path / "home"
    shutil.copytree(pristine, home)
    svc._indexes.clear()
    real_load = SearchIndex.load.__func__
    calls = []

    def counted(cls, folder, *a, **kw):
        calls.append(folder)
        return real_load(cls, folder, *a, **kw)

    monkeypatch.setattr(SearchIndex, "load", classmethod(counted))
    start = threading.Barrier(8)
    got: list = []

    def client():
        start.wait()
        got.append(svc.load_index(home))

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(got) == 8 and all(i is got[0] for i in got)


def test_opening_the_database_does_not_wait_for_a_writer(prepared):
    """A search opens the store while an ingest holds its write transaction: it must read
    at once (WAL), not queue for the write lock. The writer holds on for up to 20 s; the
    reader must be done before the writer lets go."""
    from corpus.store import CorpusStore

    _, home, _ = prepared
    writer = CorpusStore(home)
    writer._db.execute("BEGIN IMMEDIATE")
    done = threading.Event()
    seen: list = []

    def reader():
        with CorpusStore(home) as store:
            seen.append(store.stats()["filings"])
        done.set()

    th = threading.Thread(target=reader)
    th.start()
    read_while_locked = done.wait(20)
    writer._db.execute("ROLLBACK")
    writer.close()
    th.join()
    assert read_while_locked and seen == [34]


def test_two_ingests_at_once_leave_a_current_index(prepared, tmp_path):
    """Both `jixiao ingest` runs update the index at their end; the writer lock serialises
    them, so neither sees the other's half-swapped folder and the index ends current."""
    _, pristine, dirs = prepared
    home = tmp_path / "home"
    shutil.copytree(pristine, home)
    procs = [
        subprocess.Popen([sys.executable, "-m", "assistant.cli", "--home", str(home), "ingest", "-q", str(d)],
                         cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for d in dirs[:2]
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0 and "未能更新" not in err and "Traceback" not in err, err
    final = concurrency.final_state(home)
    assert final["index_current"] and final["filings"] == final["index_filings"], final


def test_a_swapped_index_is_reloaded_in_the_background(prepared, tmp_path):
    """After another process updates the index, searches keep the previous index (no wait)
    until one background load has the new one; then every search gets the new one."""
    from assistant import search_service as svc

    _, pristine, dirs = prepared
    home = tmp_path / "home"
    shutil.copytree(pristine, home)
    svc._indexes.clear()
    old = svc.load_index(home)
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "--home", str(home), "ingest", "-q", str(dirs[0])],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert svc.load_index(home) is old  # answered at once from the complete previous index
    svc._reloads[str(svc.index_dir(home))].join(120)
    new = svc.load_index(home)
    assert new is not old and len(new.manifest.store_ids) == len(old.manifest.store_ids) + len(list(dirs[0].iterdir()))
