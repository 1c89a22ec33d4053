"""The semantic half of the index, built in the background while `jixiao serve` answers.

A fresh home gets a keyword index at start (seconds); encoding every passage with the
bundled e5 takes minutes on two cores (about 20 passages/s). So serve starts answering at
once and one thread per home embeds the passages into the embedding cache *outside* the
index writer lock (uploads are not held up), then rebuilds the index under the lock from
the cache (seconds). The searcher notices the swapped manifest and reloads in the
background (`search_service.load_index`), so search turns hybrid without a restart.

Example:
    >>> start(home, say=print)           # False if nothing to do or already running
    语义索引：在后台构建（约 911 段），检索先用关键词
    >>> state(home).summary()
    '语义检索正在构建（45%），当前为关键词检索'
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable, Literal, Optional

from pydantic import BaseModel

from assistant import search_service as svc
from assistant.home import home as default_home

log = logging.getLogger(__name__)

EXPLICIT_LEXICAL = "构建时选择了仅关键词检索（--lexical-only）"
"""The reason `index build --lexical-only` records: a choice serve respects."""
REPORT_EVERY = 200
"""Passages between two progress lines on the terminal."""
EMBED_BATCH = 64
"""Passages per cache write (and per progress update)."""

Say = Callable[[str], None]
Mode = Literal["hybrid", "building", "lexical", "failed"]


class SemanticState(BaseModel):
    """What search does right now in one home, and how far the semantic build is."""

    mode: Mode
    done: int = 0
    total: int = 0
    reason: Optional[str] = None  # why lexical only, or why the build failed

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    def summary(self) -> str:
        """The line the app and the terminal show."""
        if self.mode == "hybrid":
            return "混合检索（关键词 + 语义）"
        if self.mode == "building":
            return f"语义检索正在构建（{self.percent}%），当前为关键词检索"
        if self.mode == "failed":
            return f"语义索引构建失败（{self.reason}），当前为关键词检索"
        return f"仅关键词检索（{self.reason or '索引没有语义向量'}）"


class _Build:
    def __init__(self) -> None:
        self.thread: Optional[threading.Thread] = None
        self.done = 0
        self.total = 0
        self.error: Optional[str] = None
        self.finished = False


_builds: dict[str, _Build] = {}
_guard = threading.Lock()


def _key(home: Optional[Path]) -> str:
    return str(Path(home or default_home()).resolve())


def needs_build(home: Optional[Path] = None, respect_choice: bool = True) -> Optional[str]:
    """Why the index in `home` should get vectors in the background (None: it should not):
    it has none (and, with `respect_choice`, nobody chose keywords only with
    `index build --lexical-only`)."""
    st = svc.status(home)
    if not st.exists or st.problem or st.semantic_enabled or svc.lexical_chosen(home):
        return None
    if respect_choice and st.semantic_reason == EXPLICIT_LEXICAL:
        return None
    return st.semantic_reason or "索引没有语义向量"


def start(home: Optional[Path] = None, model: Optional[str] = None, say: Optional[Say] = None,
          every: int = REPORT_EVERY, respect_choice: bool = True) -> bool:
    """Start the background build if the index lacks vectors; False if there is nothing to
    do or a build for this home is already running. Progress goes to `say` every `every`
    passages ("语义索引：1200/3400 段"). `respect_choice=False` when the caller itself just
    built the keyword index (serve's first start), so its reason is nobody's choice."""
    h = Path(home or default_home())
    key = _key(h)
    with _guard:
        running = _builds.get(key)
        if running is not None and running.thread is not None and running.thread.is_alive():
            return False
        if needs_build(h, respect_choice) is None:
            return False
        b = _builds[key] = _Build()
        b.thread = threading.Thread(target=_run, args=(h, model, b, say or (lambda _m: None), every),
                                    name="jixiao-semantic-build", daemon=True)
        b.thread.start()
    return True


def _passages(home: Path) -> tuple[list[str], list[str]]:
    from corpus.store import CorpusStore
    from index.passages import filing_passages

    texts, hashes = [], []
    with CorpusStore(home) as store:
        for fid, filing in store.iter_filings():
            for p in filing_passages(fid, filing):
                texts.append(p.text)
                hashes.append(p.content_hash)
    return texts, hashes


def _run(home: Path, model: Optional[str], b: _Build, say: Say, every: int) -> None:
    from index.embed import embed_with_cache
    from index.errors import ModelUnavailable

    t0 = time.perf_counter()
    try:
        emb = svc._embedder(model)
        svc._loaded.setdefault(emb.model_id, emb)  # search asks by the id the manifest records: one copy
        texts, hashes = _passages(home)
        b.total = len(texts)
        say(f"语义索引：在后台构建（{b.total} 段），检索先用关键词")
        last = [0]

        def progress(done: int, todo: int) -> None:
            b.done = b.total - todo + done  # cached passages count as done
            if b.done - last[0] >= every or done == todo:
                last[0] = b.done
                say(f"语义索引：{b.done}/{b.total} 段")

        cache = svc._cache(home)
        try:
            cached = b.total - len(set(hashes) - set(cache.get(emb.model_id, hashes)))
            b.done = cached
            embed_with_cache(emb, texts, hashes, cache, batch=EMBED_BATCH, progress=progress)
        finally:
            cache.close()
        # everything is cached now: the rebuild under the writer lock takes seconds
        report = svc.build(home, model=model)
        b.done = b.total
        if not report.semantic_enabled:
            raise RuntimeError("；".join(report.notices) or "索引没有向量")
        say(f"语义索引已就绪：{report.passages} 段，用时 {time.perf_counter() - t0:.0f} 秒；检索改为关键词 + 语义")
    except ModelUnavailable as exc:
        b.error = exc.reason
        say(f"语义索引未构建：{exc.reason}。检索仍为关键词")
    except Exception as exc:  # the app keeps serving keywords; say why once
        log.exception("background semantic build failed")
        b.error = str(exc) or type(exc).__name__
        say(f"语义索引构建失败：{b.error}。检索仍为关键词")
    finally:
        b.finished = True


def state(home: Optional[Path] = None) -> SemanticState:
    """Mode and progress for the app (语料 tab, search notice) and the terminal."""
    b = _builds.get(_key(home))
    if b is not None and not b.finished:
        return SemanticState(mode="building", done=b.done, total=b.total)
    if svc.lexical_chosen(home):  # serve --lexical-only: keywords even if the index has vectors
        return SemanticState(mode="lexical", reason=svc.LEXICAL_AT_SERVE)
    st = svc.status(home)
    if st.semantic_enabled:
        return SemanticState(mode="hybrid", done=b.total if b else st.passages, total=b.total if b else st.passages)
    if b is not None and b.error:
        return SemanticState(mode="failed", reason=b.error)
    return SemanticState(mode="lexical", reason=st.semantic_reason)


def wait(home: Optional[Path] = None, timeout: Optional[float] = None) -> SemanticState:
    """Block until the build for `home` ends (or `timeout` passes); returns the state."""
    b = _builds.get(_key(home))
    if b is not None and b.thread is not None:
        b.thread.join(timeout)
    return state(home)
