"""Where jixiao keeps its data: `--home DIR`, else $JIXIAO_HOME, else ~/.jixiao."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

_override: Optional[Path] = None


def set_home(path: Optional[str | Path]) -> None:
    global _override
    _override = Path(path).expanduser() if path else None


def home() -> Path:
    if _override is not None:
        return _override
    env = os.environ.get("JIXIAO_HOME")
    return Path(env).expanduser() if env else Path.home() / ".jixiao"


def open_store():  # -> corpus.store.CorpusStore
    """The corpus database under the current home."""
    from corpus.store import CorpusStore

    return CorpusStore(home())


def sample_corpus_dir() -> Path:
    """The bundled sample corpus of fictional filings."""
    return Path(__file__).resolve().parent.parent / "corpus" / "sample"
