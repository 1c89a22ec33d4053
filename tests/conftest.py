"""Shared fixtures: paths to the real filings, parsed seeds, an isolated jixiao home."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
REAL = SHARED / "real"
SEED_000 = SEEDS / "000_5c8e543f8e6d7888.txt"
SEED_004 = SEEDS / "004_59167206fa98a72b.txt"
COMMERCE_PDF = REAL / "putuo-2025-commerce-dept-budget.pdf"
WANLI_PDF = REAL / "putuo-2024-wanli-subdistrict-budget.pdf"


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"missing real filing {path}: the tests need ../shared beside the repository")
    return path


@pytest.fixture(scope="session")
def seed000():
    from corpus.parse import parse_file

    return parse_file(_require(SEED_000))


@pytest.fixture(scope="session")
def seed004():
    from corpus.parse import parse_file

    return parse_file(_require(SEED_004))


@pytest.fixture(scope="session")
def commerce():
    from corpus.parse import parse_file

    return parse_file(_require(COMMERCE_PDF))


@pytest.fixture(scope="session")
def wanli():
    from corpus.parse import parse_file

    return parse_file(_require(WANLI_PDF))


@pytest.fixture()
def jixiao_home(tmp_path, monkeypatch):
    """A fresh, empty jixiao home for one test (also exported as JIXIAO_HOME)."""
    home = tmp_path / "home"
    monkeypatch.setenv("JIXIAO_HOME", str(home))
    from assistant.home import set_home

    set_home(None)
    return home
