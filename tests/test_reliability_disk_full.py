"""Issue 14: disk full while writing `index.new` — one Chinese line, nothing partial, old index kept.

The failure is injected at the write itself, in a real `jixiao ingest` process: the index writer's
`open` returns files whose writes raise OSError(ENOSPC) after a few KiB, as a full disk does.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import REPO, SEED_000, SEED_004

_FULL_DISK = textwrap.dedent("""
    import builtins, errno, sys
    import index.searcher as searcher

    class _Full:
        def __init__(self, fh):
            self.fh, self.n = fh, 0
        def write(self, s):
            self.n += len(s)
            if self.n > 4096:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.fh.write(s)
        def __enter__(self):
            return self
        def __exit__(self, *a):
            self.fh.close()

    def _open(file, mode="r", *a, **k):
        fh = builtins.open(file, mode, *a, **k)
        return _Full(fh) if "w" in mode else fh

    searcher.open = _open
    from assistant.cli import main
    sys.argv = ["jixiao"] + sys.argv[1:]
    main()
""")


def _jixiao(home: Path, *args: str, full_disk: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "JIXIAO_HOME": str(home)}
    code = _FULL_DISK if full_disk else "import sys; from assistant.cli import main; sys.argv = ['jixiao'] + sys.argv[1:]; main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)


def test_enospc_while_writing_index_new_one_line_nothing_partial(tmp_path: Path) -> None:
    """Finding: disk full ended ingest in a raw OSError traceback with a partial `index.new`."""
    home = tmp_path / "home"
    first = _jixiao(home, "ingest", "-q", str(SEED_000))
    assert first.returncode == 0, first.stderr
    built = _jixiao(home, "index", "build", "--lexical-only", "-q")
    assert built.returncode == 0, built.stderr
    manifest_before = (home / "index" / "manifest.json").read_text(encoding="utf-8")
    passages_before = (home / "index" / "passages.jsonl").read_bytes()

    res = _jixiao(home, "ingest", "-q", str(SEED_004), full_disk=True)
    out = res.stdout + res.stderr
    assert "Traceback" not in out and "OSError" not in out
    lines = [line for line in out.splitlines() if "磁盘已满" in line]
    assert len(lines) == 1 and "原有索引保持不变" in lines[0], out
    assert not (home / "index.new").exists()
    assert (home / "index" / "manifest.json").read_text(encoding="utf-8") == manifest_before
    assert (home / "index" / "passages.jsonl").read_bytes() == passages_before
    assert "新增 1" in out  # the filing itself is stored; only the index lags

    status = _jixiao(home, "index", "status")
    assert "过期" in status.stdout + status.stderr or "stale" in status.stdout.lower(), status.stdout
    again = _jixiao(home, "index", "update", "-q")  # space is back: the update catches up
    assert again.returncode == 0, again.stderr
    assert json.loads((home / "index" / "manifest.json").read_text(encoding="utf-8"))["counts"]["filings"] == 2


def test_faiss_write_failure_is_an_oserror(tmp_path: Path, monkeypatch) -> None:
    """faiss says RuntimeError for a failed write; the writer's cleanup needs OSError(ENOSPC)."""
    import faiss

    from index.vectors import VectorIndex

    vi = VectorIndex.empty(4)
    vi.add(np.array([1], dtype=np.int64), np.ones((1, 4), dtype=np.float32))

    def full(index, path):
        raise RuntimeError("Error in faiss::FileIOWriter: write error: No space left on device")

    monkeypatch.setattr(faiss, "write_index", full)
    with pytest.raises(OSError) as info:
        vi.save(tmp_path / "vectors.faiss")
    assert info.value.errno == errno.ENOSPC
