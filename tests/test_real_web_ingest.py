"""The 42 real web documents go in whole, through the CLI and through the app's upload."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import SHARED

WEB = SHARED / "real" / "web"


def _documents() -> list[Path]:
    docs = sorted(WEB.glob("*.txt"))
    assert len(docs) == 42, f"expected the 42 real web documents in {WEB}"
    return docs


def test_cli_ingest_stores_every_real_web_document(tmp_path):
    home = tmp_path / "home"
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--home", str(home), "ingest", str(WEB)],
        capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "新增 42" in out.stdout + out.stderr
    assert "失败 0" in out.stdout + out.stderr

    from corpus.store import CorpusStore

    with CorpusStore(home) as store:
        filings = [f for _, f in store.iter_filings()]
    assert len(filings) == 42
    assert all(f.projects and f.projects[0].name for f in filings)


def test_app_upload_stores_every_real_web_document(tmp_path):
    from assistant.app_service import ingest_uploads

    home = tmp_path / "home"
    rep = ingest_uploads(home, [(str(p), p.name) for p in _documents()])
    assert rep.failed == []
    assert len(rep.added) == 42
