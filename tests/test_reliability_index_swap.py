"""Issue 14: SIGKILL between the two renames of the index swap must not lose the index."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.search_service import index_dir, load_index
from corpus.ingest import ingest_paths
from corpus.store import CorpusStore
from index.searcher import build_index

SEED = Path("/work/shared/seeds/000_5c8e543f8e6d7888.txt")


def _built(home: Path) -> Path:
    with CorpusStore(home) as store:
        ingest_paths(store, [SEED])
        build_index(index_dir(home), store.iter_filings(), store.ids(), embedder=None, semantic_reason="测试")
    return index_dir(home)


@pytest.mark.parametrize("left", [".new", ".old"])
def test_sigkill_between_swap_renames_index_taken_back(tmp_path: Path, left: str) -> None:
    folder = _built(tmp_path)
    # the state after `index` → `index.old` (left=.old, plus an unfinished .new) or before `.new` → `index`
    folder.rename(folder.with_name(folder.name + left))
    assert not folder.exists()
    idx = load_index(tmp_path)
    assert folder.is_dir() and not folder.with_name(folder.name + left).exists()
    assert idx is not None


def test_incomplete_new_without_manifest_not_taken_back(tmp_path: Path) -> None:
    from index.swap_recovery import recover_swap

    folder = tmp_path / "index"
    (tmp_path / "index.new").mkdir()
    (tmp_path / "index.new" / "passages.jsonl").write_text("", encoding="utf-8")
    assert recover_swap(folder) is False and not folder.exists()


def test_stopped_lock_holder_is_named_and_wait_is_bounded(tmp_path: Path, capsys) -> None:
    import fcntl
    import time

    from assistant.search_service import writer_lock
    from corpus.errors import StoreError

    with writer_lock(tmp_path):
        pass  # leaves the holder line behind, as a holder that was stopped would
    with open(tmp_path / "index.lock", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # another open file: conflicts like another process
        start = time.monotonic()
        with pytest.raises(StoreError, match="仍被占用"):
            with writer_lock(tmp_path, wait_s=1):
                pass
        assert time.monotonic() - start < 3
    err = capsys.readouterr().err
    assert "正被另一个进程更新" in err and "进程" in err
    with writer_lock(tmp_path, wait_s=1):
        pass  # free again
