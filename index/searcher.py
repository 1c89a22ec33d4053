"""Build, update, load and query the search index (one folder of plain files).

Folder layout::

    manifest.json      what was indexed, model, dimension, dictionary hash, versions, counts
    dictionary.txt     the jieba word list and stopwords used (queries are cut with it)
    passages.jsonl     one passage per line, with its tokens (bm25 is rebuilt from these)
    bm25/              bm25s.BM25.save output
    vectors.faiss      IndexIDMap2(IndexFlatIP) of normalised embeddings (only if semantic is on)

Filters are turned into a mask over passages and applied inside both searches (bm25s
`weight_mask`, FAISS `IDSelectorBatch`) before reciprocal rank fusion.

Example:
    >>> build_index(folder, store.iter_filings(), store.ids(), embedder=None, semantic_reason="未安装模型")
    >>> SearchIndex.load(folder).search("起重机械 检测 抽查", SearchFilters(type="indicator"), k=5).hits[0].passage.name
    '建筑起重机械使用安全监督检测抽查工地数'
"""

from __future__ import annotations

import errno
import json
import logging
import re
import shutil
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Literal, Optional, Sequence

import numpy as np
from pydantic import BaseModel, Field

from corpus.models import Filing
from index.embed import HOW_TO_ENABLE, Embedder, EmbeddingCache, embed_with_cache
from index.errors import BadFilter, EmptyQuery, IndexCorrupted, IndexMissing, IndexWriteFailed
from index.fusion import CITED_ITEM_BONUS, EQUAL, RRF_K, FusionWeights, fusion_weights

TOGETHER_DEPTH = 10
"""How many of the best lexical hits are looked at for one holding every query word."""
from index.lexical import LexicalIndex
from index.manifest import Counts, Manifest, SemanticInfo, library_versions, read_manifest, write_manifest
from index.passages import PASSAGE_TYPES, Passage, PassageType, filing_passages, indicator_key
from index.tokenize import DomainTokenizer, normalize_text, terms_from_names
from index.vectors import VectorIndex, vector_id

log = logging.getLogger(__name__)

PASSAGES = "passages.jsonl"
DICTIONARY = "dictionary.txt"
BM25_DIR = "bm25"
VECTORS = "vectors.faiss"
TYPE_ZH = {"indicator": "指标", "legal_basis": "立项依据", "section": "栏目段落"}
Progress = Callable[[str, int, int], None]  # (stage, done, total)


# --- records crossing the boundary -------------------------------------------


class SearchFilters(BaseModel):
    """Restrictions applied before ranking. Level filters match the canonical
    category/subcategory (产出, 效益, 时效 …) or the level text as written."""

    type: Optional[PassageType] = None
    level1: Optional[str] = None
    level2: Optional[str] = None
    section: Optional[str] = None
    year_from: Optional[int] = None
    year_to: Optional[int] = None
    unit: Optional[str] = None
    filing_id: Optional[str] = None

    def active(self) -> bool:
        return any(v is not None for v in self.model_dump().values())


def parse_years(text: Optional[str]) -> tuple[Optional[int], Optional[int]]:
    """'2021' → (2021, 2021); '2020..2023' or '2020-2023' → (2020, 2023); '2020..' → (2020, None)."""
    if text is None or not str(text).strip():
        return None, None
    m = re.fullmatch(r"\s*(\d{4})?\s*(?:(\.\.|-|–|~|至)\s*(\d{4})?)?\s*", str(text))
    if not m or not (m.group(1) or m.group(3)):
        raise BadFilter(f"年度“{text}”格式不对。请写成 2021 或 2020..2023")
    lo = int(m.group(1)) if m.group(1) else None
    hi = int(m.group(3)) if m.group(3) else (lo if not m.group(2) else None)
    if lo and hi and lo > hi:
        raise BadFilter(f"年度范围“{text}”起止颠倒。请写成 {hi}..{lo}")
    return lo, hi


class ValueCount(BaseModel):
    value: str
    count: int


class IndicatorUsage(BaseModel):
    """How often an indicator wording is used across the corpus and with which targets."""

    filings: int
    rows: int
    year_min: Optional[int] = None
    year_max: Optional[int] = None
    values: list[ValueCount] = Field(default_factory=list)
    units: list[str] = Field(default_factory=list, description="units filing this wording, most frequent first")

    def summary(self) -> str:
        years = ""
        if self.year_min:
            years = f"（{self.year_min}）" if self.year_min == self.year_max else f"（{self.year_min}–{self.year_max}）"
        vals = "、".join(f"{v.value or '（空）'} ×{v.count}" for v in self.values[:6])
        more = f" 等 {len(self.values)} 种" if len(self.values) > 6 else ""
        units = ""
        if len(self.units) > 1:
            units = f"，{len(self.units)} 个单位（{'、'.join(self.units[:3])}{' 等' if len(self.units) > 3 else ''}）"
        return f"同样措辞用于 {self.filings} 个文件{years}{units}，指标值 {vals}{more}"


class SameWording(BaseModel):
    """A lower-ranked passage with the same wording as the hit it is grouped under."""

    filing_id: str
    path: str
    year: Optional[int] = None
    unit: Optional[str] = None
    project: str = ""
    value_text: str = ""
    page: Optional[int] = None
    line_start: Optional[int] = None
    line_end: Optional[int] = None

    def where(self) -> str:
        """'2022 · 单位 · file.docx 第3行' (where it came from, for the result line)."""
        loc = f"第{self.page}页" if self.page else ""
        if self.line_start:
            loc += f"第{self.line_start}行" if self.line_start == self.line_end else f"第{self.line_start}–{self.line_end}行"
        return " · ".join(x for x in (str(self.year or "—"), self.unit or "", f"{Path(self.path).name} {loc}".strip()) if x)


def wording_key(row: dict) -> str:
    """Rows with the same key say the same thing: an indicator by its name (targets may
    differ: that spread is shown), a legal basis or paragraph by its text without the
    project name and section title the passage starts with (总体目标 in one year is
    总目标及阶段性目标 in the next)."""
    if row["type"] == "indicator":
        return "i|" + indicator_key(row.get("name") or "")
    body = row["text"]
    for prefix in (row.get("project") or "", row.get("section_title") or ""):
        if prefix and body.startswith(prefix + " "):
            body = body[len(prefix) + 1:]
    return row["type"][0] + "|" + _bare(body)


class SearchHit(BaseModel):
    rank: int
    passage: Passage
    score: float = Field(description="fused score (reciprocal rank fusion)")
    lexical_score: Optional[float] = None
    lexical_rank: Optional[int] = None
    semantic_score: Optional[float] = None
    semantic_rank: Optional[int] = None
    usage: Optional[IndicatorUsage] = None
    same_wording: list[SameWording] = Field(
        default_factory=list, description="lower-ranked passages with this hit's wording, grouped under it")

    def same_wording_summary(self, shown: int = 3) -> str:
        """'另有 4 处相同措辞：2022 · 单位 · f.docx 第3行；…' ('' when none)."""
        if not self.same_wording:
            return ""
        first = "；".join(m.where() + (f"（{m.value_text}）" if m.value_text and m.value_text != self.passage.value_text else "")
                         for m in self.same_wording[:shown])
        more = " 等" if len(self.same_wording) > shown else ""
        return f"另有 {len(self.same_wording)} 处相同措辞：{first}{more}"


class SearchResponse(BaseModel):
    query: str
    tokens: list[str]
    mode: Literal["hybrid", "lexical", "semantic"]
    semantic_enabled: bool
    model_id: Optional[str] = None
    candidates: int = Field(description="passages that pass the filters")
    hits: list[SearchHit] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)
    unmatched: list[str] = Field(default_factory=list, description="query words found in no passage")
    fusion: Optional[FusionWeights] = Field(default=None, description="how hybrid weighted the two rankings")


class UpdateReport(BaseModel):
    added_filings: int = 0
    removed_filings: int = 0
    added_passages: int = 0
    removed_passages: int = 0
    embedded: int = 0
    passages: int = 0
    semantic_enabled: bool = False
    notices: list[str] = Field(default_factory=list)


# --- building ---------------------------------------------------------------------


def _write_folder(
    folder: Path, manifest: Manifest, tokenizer: DomainTokenizer, rows: list[dict], vectors: Optional[VectorIndex]
) -> None:
    """Write a complete index into a sibling folder, then swap it in (never half-written)."""
    folder = Path(folder)
    new = folder.with_name(folder.name + ".new")
    old = folder.with_name(folder.name + ".old")
    for p in (new, old):
        if p.exists():
            shutil.rmtree(p)
    try:
        _write_new(new, manifest, tokenizer, rows, vectors)
    except OSError as exc:
        shutil.rmtree(new, ignore_errors=True)  # nothing partial left; `folder` was never touched
        raise IndexWriteFailed(_write_failure(new, exc)) from None
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    if old.exists():
        shutil.rmtree(old)


def _write_failure(new: Path, exc: OSError) -> str:
    """One Chinese line for a failed write of `index.new` (disk full gets its own wording)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        why = "磁盘已满（或超出配额）"
    else:
        why = f"写入出错（{exc.strerror or type(exc).__name__}）"
    return (f"{why}，新的检索索引未能写入 {new}；未写完的部分已删除，原有索引保持不变。"
            "请腾出空间后运行 jixiao index update")


def _write_new(
    new: Path, manifest: Manifest, tokenizer: DomainTokenizer, rows: list[dict], vectors: Optional[VectorIndex]
) -> None:
    """Every file of the new index, manifest last (a folder without a manifest is incomplete)."""
    new.mkdir(parents=True)
    tokenizer.save(new / DICTIONARY)
    with open(new / PASSAGES, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    LexicalIndex.build([r["tokens"] for r in rows]).save(new / BM25_DIR)
    if vectors is not None:
        vectors.save(new / VECTORS)
    manifest.updated_at = time.time()
    manifest.counts = Counts(
        filings=len(manifest.store_ids),
        passages=len(rows),
        by_type=dict(Counter(r["type"] for r in rows)),
        vectors=vectors.ntotal if vectors is not None else 0,
    )
    manifest.dictionary_hash = tokenizer.hash
    manifest.dictionary_terms = len(tokenizer.terms)
    manifest.versions = library_versions()
    write_manifest(new, manifest)


def _rows(passages: list[Passage], tokenizer: DomainTokenizer, progress: Optional[Progress]) -> list[dict]:
    tokens = tokenizer.tokenize_many(
        [p.text for p in passages], progress=(lambda d, t: progress("分词", d, t)) if progress else None)
    rows = []
    for p, toks in zip(passages, tokens):
        row = p.model_dump()
        row["tokens"] = toks
        rows.append(row)
    return rows


def _embed_rows(
    rows: list[dict], embedder: Embedder, cache: Optional[EmbeddingCache], progress: Optional[Progress]
) -> tuple[np.ndarray, np.ndarray, int]:
    ids = np.array([vector_id(r["id"]) for r in rows], dtype=np.int64)
    vecs, n_new = embed_with_cache(
        embedder, [r["text"] for r in rows], [r["content_hash"] for r in rows], cache,
        progress=(lambda d, t: progress("嵌入", d, t)) if progress else None,
    )
    return ids, vecs, n_new


def build_index(
    folder: Path,
    filings: Iterable[tuple[str, Filing]],
    store_ids: dict[str, str],
    embedder: Optional[Embedder] = None,
    semantic_reason: Optional[str] = None,
    cache: Optional[EmbeddingCache] = None,
    progress: Optional[Progress] = None,
) -> UpdateReport:
    """Index every filing from scratch (embeddings come from `cache` where present).

    With `embedder=None` the index is lexical only and the manifest records
    `semantic_reason` so every surface can say why.
    """
    passages: list[Passage] = []
    names: list[str] = []
    n_filings = 0
    for fid, filing in filings:
        n_filings += 1
        passages.extend(filing_passages(fid, filing))
        names.extend(ind.name for p in filing.projects for ind in p.indicators)
    tokenizer = DomainTokenizer.from_terms(terms_from_names(names))
    rows = _rows(passages, tokenizer, progress)
    manifest = Manifest(store_ids=dict(store_ids))
    vectors = None
    embedded = 0
    if embedder is not None:
        vectors = VectorIndex.empty(embedder.dimension)
        ids, vecs, embedded = _embed_rows(rows, embedder, cache, progress)
        vectors.add(ids, vecs)
        manifest.semantic = SemanticInfo(enabled=True, model_id=embedder.model_id, dimension=embedder.dimension)
    else:
        manifest.semantic = SemanticInfo(enabled=False, reason=semantic_reason or "未配置嵌入模型")
    _write_folder(folder, manifest, tokenizer, rows, vectors)
    return UpdateReport(
        added_filings=n_filings, added_passages=len(rows), embedded=embedded, passages=len(rows),
        semantic_enabled=embedder is not None,
    )


def _read_rows(folder: Path) -> list[dict]:
    path = folder / PASSAGES
    if not path.exists():
        raise IndexCorrupted(f"索引文件 {path} 缺失。请运行 jixiao index build 重建索引")
    try:
        with open(path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    except (ValueError, UnicodeDecodeError):
        raise IndexCorrupted(f"索引文件 {path} 已损坏。请运行 jixiao index build 重建索引") from None


def _load_tokenizer(folder: Path, manifest: Manifest) -> DomainTokenizer:
    path = folder / DICTIONARY
    if not path.exists():
        raise IndexCorrupted(f"索引词典 {path} 缺失。请运行 jixiao index build 重建索引")
    tok = DomainTokenizer.load(path)
    if tok.hash != manifest.dictionary_hash:
        raise IndexCorrupted(f"索引词典 {path} 与清单记录的哈希不符。请运行 jixiao index build 重建索引")
    return tok


def _load_vectors(folder: Path, manifest: Manifest) -> Optional[VectorIndex]:
    if not manifest.semantic.enabled:
        return None
    path = folder / VECTORS
    if not path.exists():
        raise IndexCorrupted(f"向量索引 {path} 缺失。请运行 jixiao index build 重建索引")
    vectors = VectorIndex.load(path)
    if vectors.ntotal != manifest.counts.vectors or vectors.dimension != manifest.semantic.dimension:
        raise IndexCorrupted(f"向量索引 {path} 与清单不符（{vectors.ntotal} 条，清单记 {manifest.counts.vectors} 条）。请运行 jixiao index build 重建索引")
    return vectors


def update_index(
    folder: Path,
    changed: Iterable[tuple[str, Filing]],
    store_ids: dict[str, str],
    embedder: Optional[Embedder] = None,
    cache: Optional[EmbeddingCache] = None,
    progress: Optional[Progress] = None,
) -> UpdateReport:
    """Bring an existing index in line with `store_ids`: drop filings no longer stored,
    (re)index `changed` ones. Unchanged passages keep their tokens and vectors; bm25 is
    rebuilt from the cached tokens. The dictionary stays the one the index was built with.

    If the index has vectors but `embedder` is None (model gone), the index turns
    lexical only and says so; `jixiao index build` restores it.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    tokenizer = _load_tokenizer(folder, manifest)
    rows = _read_rows(folder)
    vectors = _load_vectors(folder, manifest)
    report = UpdateReport()
    changed = [(fid, f) for fid, f in changed if fid in store_ids]
    changed_ids = {fid for fid, _ in changed}
    gone = {fid for fid in manifest.store_ids if fid not in store_ids}
    drop = gone | changed_ids
    new_passages = [p for fid, f in changed for p in filing_passages(fid, f)]
    new_ids = {p.id for p in new_passages}
    kept = [r for r in rows if r["filing_id"] not in drop or r["id"] in new_ids]
    kept_ids = {r["id"] for r in kept}
    removed = [r for r in rows if r["id"] not in kept_ids]
    fresh = [p for p in new_passages if p.id not in kept_ids]
    fresh_rows = _rows(fresh, tokenizer, progress)
    report.removed_filings = len(gone)
    report.added_filings = len([fid for fid in changed_ids if fid not in manifest.store_ids])
    report.removed_passages = len(removed)
    report.added_passages = len(fresh_rows)
    if vectors is not None:
        if embedder is None or embedder.model_id != manifest.semantic.model_id or embedder.dimension != vectors.dimension:
            reason = f"嵌入模型 {manifest.semantic.model_id} 此次无法使用，新增段落没有向量"
            manifest.semantic = SemanticInfo(enabled=False, reason=reason)
            vectors = None
            report.notices.append(f"语义检索已关闭：{reason}。{HOW_TO_ENABLE}")
        else:
            vectors.remove(np.array([vector_id(r["id"]) for r in removed], dtype=np.int64))
            if fresh_rows:
                ids, vecs, report.embedded = _embed_rows(fresh_rows, embedder, cache, progress)
                vectors.add(ids, vecs)
    all_rows = kept + fresh_rows
    # keep document order stable: by filing id, then the order passages were produced
    order = {pid: i for i, pid in enumerate(r["id"] for r in all_rows)}
    all_rows.sort(key=lambda r: (r["filing_id"], order[r["id"]]))
    manifest.store_ids = dict(store_ids)
    _write_folder(folder, manifest, tokenizer, all_rows, vectors)
    report.passages = len(all_rows)
    report.semantic_enabled = vectors is not None
    return report


# --- searching ---------------------------------------------------------------------

SYNONYM_WEIGHT = 0.7
LOAD_ATTEMPTS = 100
LOAD_RETRY_S = 0.05
Generation = Optional[tuple[int, int, int]]


def index_generation(folder: Path) -> Generation:
    """What identifies one written index: its manifest's inode, mtime and size (None if absent).
    Every update writes a new folder, so a changed manifest means a swapped index."""
    try:
        st = (Path(folder) / "manifest.json").stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def swap_in_progress(folder: Path) -> bool:
    """True while `_write_folder` is writing a new folder, swapping it in or removing the old one."""
    folder = Path(folder)
    return folder.with_name(folder.name + ".new").exists() or folder.with_name(folder.name + ".old").exists()


def _pieces_cover(word: str, vocab) -> bool:
    """Is every character of `word` inside a shorter piece (2+ characters) the index knows?
    jieba cuts the query's 垃圾处置 whole, the filings write 干垃圾日均处置量: both pieces
    are the filings' words, so the writer's word is not unfamiliar."""
    covered = [False] * len(word)
    for i in range(len(word)):
        for j in range(i + 2, len(word) + (0 if i == 0 else 1)):
            if word[i:j] in vocab:
                covered[i:j] = [True] * (j - i)
    return bool(word) and all(covered)


def _bare(text: str) -> str:
    """Normalised text without punctuation or spaces (what a verbatim match compares)."""
    return "".join(ch for ch in normalize_text(text) if not unicodedata.category(ch)[0] in "PZ" and ch not in "\t\r\n")


class _Column:
    """A string column as codes into its distinct values (filters test the values once)."""

    def __init__(self, values: list[Optional[str]]) -> None:
        uniq: dict[str, int] = {}
        self.codes = np.fromiter((uniq.setdefault(v or "", len(uniq)) for v in values), dtype=np.int32, count=len(values))
        self.values = list(uniq)

    def match(self, pred: Callable[[str], bool]) -> np.ndarray:
        good = np.fromiter((bool(v) and pred(v) for v in self.values), dtype=bool, count=len(self.values))
        return good[self.codes]


class SearchIndex:
    """A loaded index, ready to answer queries."""

    def __init__(self, folder: Path, manifest: Manifest, tokenizer: DomainTokenizer, rows: list[dict],
                 lexical: LexicalIndex, vectors: Optional[VectorIndex]) -> None:
        self.folder = folder
        self.manifest = manifest
        self.tokenizer = tokenizer
        self.rows = rows
        self.lexical = lexical
        self.vectors = vectors
        n = len(rows)
        self._type = np.fromiter((PASSAGE_TYPES.index(r["type"]) for r in rows), dtype=np.int8, count=n)
        self._year = np.fromiter((r.get("year") or 0 for r in rows), dtype=np.int32, count=n)
        self._cols = {
            c: _Column([r.get(c) for r in rows])
            for c in ("level1", "category", "level2", "subcategory", "section_kind", "section_title", "unit", "filing_id")
        }
        vids = np.fromiter((vector_id(r["id"]) for r in rows), dtype=np.int64, count=n)
        self._vid = vids
        self._vid_order = np.argsort(vids, kind="stable")
        self._vid_sorted = vids[self._vid_order]
        self._usage: Optional[dict[str, list[int]]] = None
        self._haystack: Optional[str] = None
        self.generation: Generation = None

    @classmethod
    def load(cls, folder: Path, attempts: int = LOAD_ATTEMPTS) -> "SearchIndex":
        """Load one complete generation of the index. An update swaps the folder while
        readers may be reading it, so a read that saw the manifest change (or failed
        while a swap was in progress) is retried; `generation` records what was read."""
        folder = Path(folder)
        error: Optional[Exception] = None
        for attempt in range(attempts):
            if attempt:
                time.sleep(LOAD_RETRY_S)
            before = index_generation(folder)
            try:
                idx = cls._load_once(folder)
            except (IndexMissing, IndexCorrupted, OSError) as exc:
                if index_generation(folder) == before and not swap_in_progress(folder):
                    raise
                error = exc
                continue
            if index_generation(folder) == before:
                idx.generation = before
                return idx
        log.warning("index %s kept changing while being read (%d attempts)", folder, attempts)
        if isinstance(error, (IndexMissing, IndexCorrupted)):
            raise error
        raise IndexCorrupted(f"索引 {folder} 在读取期间一直在更新，请稍后再试；如仍失败，运行 jixiao index build 重建索引")

    @classmethod
    def _load_once(cls, folder: Path) -> "SearchIndex":
        if not folder.exists():
            raise IndexMissing(f"还没有检索索引（{folder} 不存在）。请先运行 jixiao index build")
        manifest = read_manifest(folder)
        tokenizer = _load_tokenizer(folder, manifest)
        rows = _read_rows(folder)
        for r in rows:
            r.pop("tokens", None)
        if not (folder / BM25_DIR).exists():
            raise IndexCorrupted(f"关键词索引 {folder / BM25_DIR} 缺失。请运行 jixiao index build 重建索引")
        lexical = LexicalIndex.load(folder / BM25_DIR)
        if lexical.num_docs != len(rows) or len(rows) != manifest.counts.passages:
            raise IndexCorrupted(
                f"索引文件彼此不一致（段落 {len(rows)}，关键词索引 {lexical.num_docs}，清单 {manifest.counts.passages}）。"
                "请运行 jixiao index build 重建索引"
            )
        return cls(folder, manifest, tokenizer, rows, lexical, _load_vectors(folder, manifest))

    # filters -> mask
    def mask(self, f: SearchFilters) -> Optional[np.ndarray]:
        """Boolean mask of passages passing the filters, or None when nothing is filtered.
        Raises BadFilter for a value that matches nothing in the whole index."""
        if not f.active():
            return None
        m = np.ones(len(self.rows), dtype=bool)
        if f.type:
            if f.type not in PASSAGE_TYPES:
                raise BadFilter(f"类型“{f.type}”不存在。可选：indicator（指标）、legal_basis（立项依据）、section（栏目段落）")
            m &= self._type == PASSAGE_TYPES.index(f.type)
        for value, raw_col, canon_col, label in (
            (f.level1, "level1", "category", "一级指标"),
            (f.level2, "level2", "subcategory", "二级指标"),
        ):
            if value:
                v = value.strip()
                hit = self._cols[canon_col].match(lambda x: x == v) | self._cols[raw_col].match(lambda x: v in x)
                if raw_col == "level1":
                    # Older layouts file a category one level down (效果目标 › 满意度): a
                    # reviewer asking for 满意度 wants those rows too.
                    hit |= self._cols["subcategory"].match(lambda x: x == v)
                if not hit.any():
                    known = sorted(set(self._cols[canon_col].values) - {""})
                    raise BadFilter(f"{label}“{value}”在索引中不存在。可选：{'、'.join(known[:20]) or '（索引中没有指标）'}")
                m &= hit
        if f.section:
            v = f.section.strip()
            hit = self._cols["section_kind"].match(lambda x: x == v) | self._cols["section_title"].match(lambda x: v in x)
            if not hit.any():
                kinds = sorted(set(self._cols["section_kind"].values) - {""})
                titles = sorted(set(self._cols["section_title"].values) - {""})
                raise BadFilter(f"栏目“{f.section}”在索引中不存在。可选：{'、'.join(kinds)}（或栏目标题：{'、'.join(titles[:12])}）")
            m &= hit
        if f.unit:
            v = f.unit.strip()
            hit = self._cols["unit"].match(lambda x: v in x)
            if not hit.any():
                raise BadFilter(f"单位“{f.unit}”在索引中不存在。请用 jixiao corpus list 查看单位名称（写其中一部分即可）")
            m &= hit
        if f.filing_id:
            v = f.filing_id.strip()
            hit = self._cols["filing_id"].match(lambda x: x.startswith(v))
            if not hit.any():
                raise BadFilter(f"文件编号“{f.filing_id}”不在索引中。请用 jixiao corpus list 查看编号")
            m &= hit
        if f.year_from is not None or f.year_to is not None:
            lo, hi = f.year_from or 0, f.year_to or 9999
            hit = (self._year >= lo) & (self._year <= hi)
            if not hit.any():
                years = sorted(set(int(y) for y in np.unique(self._year) if y))
                raise BadFilter(f"索引中没有 {lo or ''}..{hi if hi != 9999 else ''} 年度的段落。已有年度：{'、'.join(map(str, years)) or '（无）'}")
            m &= hit
        return m

    def usage(self, row: int) -> IndicatorUsage:
        if self._usage is None:
            groups: dict[str, list[int]] = {}
            for i, r in enumerate(self.rows):
                if r["type"] == "indicator":
                    groups.setdefault(indicator_key(r["name"]), []).append(i)
            self._usage = groups
        members = [self.rows[i] for i in self._usage.get(indicator_key(self.rows[row]["name"]), [row])]
        years = [r["year"] for r in members if r.get("year")]
        values = Counter(r.get("value_text", "") for r in members)
        units = Counter(r.get("unit") for r in members if r.get("unit"))
        return IndicatorUsage(
            filings=len({r["filing_id"] for r in members}), rows=len(members),
            year_min=min(years) if years else None, year_max=max(years) if years else None,
            values=[ValueCount(value=v, count=c) for v, c in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))],
            units=[u for u, _ in sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))],
        )

    def _grouped(self, order: list[int], k: int) -> tuple[list[int], dict[int, list[int]]]:
        """The first `k` distinct wordings in `order`, each with the later rows sharing it."""
        best: list[int] = []
        lead: dict[str, int] = {}
        same: dict[int, list[int]] = {}
        for r in order:
            key = wording_key(self.rows[r])
            if key in lead:
                same[lead[key]].append(r)
            elif len(best) < k:
                lead[key] = r
                same[r] = []
                best.append(r)
        return best, same

    def verbatim(self, query: str) -> bool:
        """Does the query (spaces removed, normalised) occur as written in some passage?
        Punctuation and spaces are ignored on both sides (a writer recalls 健康中国2030规划纲要,
        the filing says 《“健康中国2030”规划纲要》). Passages are joined by newlines, which a
        bare query never contains, so a match never straddles two passages."""
        if self._haystack is None:
            self._haystack = "\n".join(_bare(r["text"]) for r in self.rows)
        needle = _bare(query)
        return bool(needle) and needle in self._haystack

    def unmatched(self, tokens: list[str]) -> list[str]:
        """Query words the corpus never uses: not an index token *and* not in any passage's
        text. A dictionary word can be cut differently in the filings (服务满意 inside
        服务满意度 is indexed as 服务/满意度); that word is the filings' own, not the writer's."""
        vocab = self.lexical.bm25.vocab_dict
        missing = [t for t in dict.fromkeys(tokens) if t not in vocab]
        if not missing:
            return []
        if self._haystack is None:
            self._haystack = "\n".join(_bare(r["text"]) for r in self.rows)
        return [t for t in missing if (not _bare(t) or _bare(t) not in self._haystack)
                and not _pieces_cover(t, vocab)]

    def words_together(self, tokens: list[str], lex_rows: Sequence[int]) -> bool:
        """Does one of the best lexical hits hold every query word the corpus uses? (A
        passage holding them all ranks near the top of BM25, so the top few are enough.)"""
        vocab = self.lexical.bm25.vocab_dict
        words = [_bare(t) for t in dict.fromkeys(tokens) if t in vocab]
        if not words:
            return False
        return any(all(w in text for w in words)
                   for text in (_bare(self.rows[int(r)]["text"]) for r in list(lex_rows)[:TOGETHER_DEPTH]))

    def weights(self, query: str, filters: Optional["SearchFilters"] = None) -> FusionWeights:
        """The query-aware fusion weights hybrid search would use for `query`."""
        tokens = self.tokenizer.tokenize(query)
        lex_rows, _ = self.lexical.top(self._lexical_scores(tokens, self.mask(filters or SearchFilters())), TOGETHER_DEPTH)
        return self._weighting(query, tokens, self.unmatched(tokens), lex_rows)

    def _weighting(self, query: str, tokens: list[str], unmatched: list[str], lex_rows: Sequence[int]) -> FusionWeights:
        return fusion_weights(query, unmatched, self.verbatim(query), self.words_together(tokens, lex_rows))

    def rows_for_vector_ids(self, ids: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(self._vid_sorted, ids)
        pos = np.clip(pos, 0, max(len(self._vid_sorted) - 1, 0))
        ok = self._vid_sorted[pos] == ids
        return np.where(ok, self._vid_order[pos], -1)

    def _lexical_scores(self, tokens: list[str], mask: Optional[np.ndarray]) -> np.ndarray:
        """BM25 of the query's own tokens, plus its synonym groups at a discount (each group
        averaged, then weighted by SYNONYM_WEIGHT) so an exact word outranks a synonym."""
        scores = self.lexical.scores(tokens, mask)
        for group in self.tokenizer.expansions(tokens):
            scores = scores + (SYNONYM_WEIGHT / len(group)) * self.lexical.scores(group, mask)
        return scores

    def search(
        self,
        query: str,
        filters: Optional[SearchFilters] = None,
        k: int = 10,
        query_vector: Optional[np.ndarray] = None,
        mode: Literal["hybrid", "lexical", "semantic"] = "hybrid",
        depth: Optional[int] = None,
        with_usage: bool = True,
        fusion: Literal["auto", "equal"] = "auto",
        group: bool = False,
    ) -> SearchResponse:
        """Rank passages for `query`. Semantic ranking needs `query_vector` (the query
        encoded by the index's model) and an index with vectors; otherwise lexical only.
        Hybrid weights the two rankings by what the query looks like (`fusion_weights`);
        `fusion="equal"` is plain RRF. `group`: passages with the same wording (`wording_key`:
        one indicator name across years and filings) become one hit listing the others, so
        `k` hits are `k` distinct precedents."""
        if query is None or not query.strip():
            raise EmptyQuery("检索词为空。请输入要查找的内容，例如：jixiao search \"起重机械 检测 抽查\"")
        tokens = self.tokenizer.tokenize(query)
        if not tokens:
            raise EmptyQuery(f"检索词“{query.strip()}”只有停用词或标点，没有可检索的内容。请换用更具体的词，例如指标名称、文件名称或发文字号")
        if k < 1:
            raise BadFilter(f"结果条数 -k {k} 无效，请给一个正整数")
        filters = filters or SearchFilters()
        mask = self.mask(filters)
        candidates = len(self.rows) if mask is None else int(mask.sum())
        notices: list[str] = []
        depth = depth or max(100, 5 * k)
        semantic_ok = self.vectors is not None and query_vector is not None
        if mode == "semantic" and not semantic_ok:
            mode = "lexical"
        elif mode == "hybrid" and not semantic_ok:
            mode = "lexical"
        lex_rows = np.zeros(0, dtype=np.int64)
        lex_scores = np.zeros(0, dtype=np.float32)
        sem_rows = np.zeros(0, dtype=np.int64)
        sem_scores = np.zeros(0, dtype=np.float32)
        if candidates:
            if mode in ("hybrid", "lexical"):
                lex_rows, lex_scores = self.lexical.top(self._lexical_scores(tokens, mask), depth)
            if mode in ("hybrid", "semantic"):
                allowed = None if mask is None else self._vid[mask]
                sem_scores, ids = self.vectors.search(query_vector, depth, allowed)
                sem_rows = self.rows_for_vector_ids(ids)
                keep = sem_rows >= 0
                sem_rows, sem_scores = sem_rows[keep], sem_scores[keep]
        else:
            notices.append("没有符合这些筛选条件的段落，请放宽筛选条件")
        lex_rank = {int(r): i + 1 for i, r in enumerate(lex_rows)}
        sem_rank = {int(r): i + 1 for i, r in enumerate(sem_rows)}
        unmatched = self.unmatched(tokens)
        weighting = None
        if mode == "hybrid":
            weighting = EQUAL if fusion == "equal" else self._weighting(query, tokens, unmatched, lex_rows)
        weights = (weighting.lexical, weighting.semantic) if weighting else (1.0, 1.0)
        fused: dict[int, float] = {}
        for ranks, w in zip((lex_rank, sem_rank), weights):
            for r, rank in ranks.items():
                fused[r] = fused.get(r, 0.0) + w / (RRF_K + rank)
        if weighting is not None and weighting.cited:
            cited = _bare(weighting.cited)
            for r in fused:
                if self.rows[r]["type"] == "legal_basis" and cited in _bare(self.rows[r]["text"]):
                    fused[r] += CITED_ITEM_BONUS
        order = sorted(fused, key=lambda r: (-fused[r], min(lex_rank.get(r, 1 << 30), sem_rank.get(r, 1 << 30)), r))
        best, same = self._grouped(order, k) if group else (order[:k], {})
        lex_score_of = dict(zip(lex_rows.tolist(), lex_scores.tolist()))
        sem_score_of = dict(zip(sem_rows.tolist(), sem_scores.tolist()))
        hits = []
        for i, r in enumerate(best, start=1):
            row = self.rows[r]
            hits.append(SearchHit(
                rank=i, passage=Passage.model_validate(row), score=fused[r],
                lexical_score=lex_score_of.get(r), lexical_rank=lex_rank.get(r),
                semantic_score=sem_score_of.get(r), semantic_rank=sem_rank.get(r),
                usage=self.usage(r) if with_usage and row["type"] == "indicator" else None,
                same_wording=[SameWording.model_validate(self.rows[m]) for m in same.get(r, [])],
            ))
        if candidates and not hits:
            notices.append("没有找到匹配的段落：检索词在语料中没有出现。可换个说法，或去掉部分筛选条件")
        if unmatched and hits:
            notices.append(f"以下检索词在语料中没有出现：{'、'.join(unmatched)}")
        return SearchResponse(
            query=query, tokens=tokens + [w for g in self.tokenizer.expansions(tokens) for w in g], mode=mode, semantic_enabled=self.vectors is not None,
            model_id=self.manifest.semantic.model_id, candidates=candidates, hits=hits, notices=notices,
            unmatched=unmatched, fusion=weighting,
        )
