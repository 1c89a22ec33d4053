"""The app while `jixiao serve` builds the vectors in the background: the 检索 banner, the
语料 tab and the mode line say how far it is and that keywords answer meanwhile, then say
hybrid once the new index is in (issue 12). The embedder is held at a gate after its first
batch, so the test sees the build mid-way without timing guesses."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import SEED_000
from tests.index_support import HashEmbedder

pytest.importorskip("gradio", reason="Gradio is not installed (pip install 'jixiao[app]')")


class GateEmbedder(HashEmbedder):
    """Embeds the first batch, then waits for `gate` (a test-held background build)."""

    def __init__(self) -> None:
        super().__init__(model_id="test/gate")
        self.gate = threading.Event()
        self.batches = 0

    def embed_documents(self, texts):
        self.batches += 1
        if self.batches > 1 and not self.gate.wait(120):
            raise TimeoutError("test gate never opened")
        return super().embed_documents(texts)


def _poll(pred, timeout_s: float = 60.0) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def test_banner_status_and_mode_follow_the_background_build(jixiao_home, monkeypatch):
    from assistant import search_service as svc
    from assistant import semantic_build
    from assistant.app_service import ensure_ready
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore
    from ui.app import index_status_view, search_results, semantic_banner

    with CorpusStore(jixiao_home) as store:
        ingest_paths(store, [SEED_000])
    assert ensure_ready(jixiao_home, sample=False).index_built  # serve's keyword index
    emb = GateEmbedder()
    monkeypatch.setattr(svc, "embedder_factory", lambda _name: emb)
    monkeypatch.setattr(svc, "_loaded", {})

    assert semantic_build.start(jixiao_home, respect_choice=False)
    try:
        assert _poll(lambda: semantic_build.state(jixiao_home).done > 0)
        st = semantic_build.state(jixiao_home)
        assert st.mode == "building" and 0 < st.done < st.total == 100
        banner = semantic_banner(jixiao_home)
        assert f"语义检索正在构建（{st.percent}%），当前为关键词检索" in banner and "语义检索未开启" not in banner
        corpus_tab = index_status_view(jixiao_home)
        assert f"正在后台构建（{st.done}/100 段，{st.percent}%）" in corpus_tab and "语义检索未开启" not in corpus_tab
        html, picks = search_results(jixiao_home, "起重机械 检测")
        assert picks and "检索方式：语义检索正在构建" in html  # keywords answer meanwhile
    finally:
        emb.gate.set()
    end = semantic_build.wait(jixiao_home, 120)
    assert end.mode == "hybrid", end
    assert "混合检索（关键词 + 语义）" in semantic_banner(jixiao_home)
    assert "已开启（模型 test/gate" in index_status_view(jixiao_home)
    html, picks = search_results(jixiao_home, "起重机械 检测")
    assert picks and "检索方式：关键词 + 语义（融合）" in html
