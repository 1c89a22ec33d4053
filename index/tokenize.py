"""One jieba tokenizer for documents and queries alike.

A dedicated `jieba.Tokenizer()` instance (never the global one) loaded with the
curated domain terms of `index/data/domain_terms.txt` plus terms taken from the
corpus's indicator names. The exact word list used is saved beside the index and
its hash recorded in the manifest, so a query is always cut like the documents.

Example:
    >>> tok = DomainTokenizer.from_terms(["起重机械"])
    >>> tok.tokenize("起重机械检测抽查")
    ['起重', '机械', '起重机械', '检测', '抽查']
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import unicodedata
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
_PUNCT_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)
# Corpus terms: short indicator names and their comma-free pieces make good words.
_TERM_SPLIT = re.compile(r"[，,。；;：:、（）()《》<>〈〉【】\[\]“”\"'\s/～~—\-]+")
_MIN_TERM, _MAX_TERM = 3, 10
# Below this many texts a worker pool costs more (jieba loads its dictionary in each
# worker, about 1 s) than it saves.
PARALLEL_MIN_TEXTS = 50_000
_CHUNK = 2_000
_worker_tokenizer: Optional["DomainTokenizer"] = None


def _read_list(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line.split()[0])
    return out


def curated_terms() -> list[str]:
    return _read_list(DATA_DIR / "domain_terms.txt")


def default_stopwords() -> list[str]:
    return _read_list(DATA_DIR / "stopwords.txt")


def query_synonyms() -> dict[str, list[str]]:
    """Everyday word → the filed words it stands for (index/data/query_synonyms.txt)."""
    out: dict[str, list[str]] = {}
    for line in (DATA_DIR / "query_synonyms.txt").read_text(encoding="utf-8").splitlines():
        words = line.split()
        if len(words) >= 2 and not words[0].startswith("#"):
            out[words[0]] = words[1:]
    return out


def terms_from_names(names: Iterable[str]) -> list[str]:
    """Dictionary candidates mined from indicator names: short names and name pieces
    of 3–10 CJK characters that occur in at least two names (so one-off sentences
    do not become words)."""
    counts: dict[str, int] = {}
    for name in names:
        seen = set()
        for piece in _TERM_SPLIT.split(name or ""):
            piece = piece.strip()
            if _MIN_TERM <= len(piece) <= _MAX_TERM and all("\u4e00" <= ch <= "\u9fff" for ch in piece):
                seen.add(piece)
        for piece in seen:
            counts[piece] = counts.get(piece, 0) + 1
    return sorted(t for t, c in counts.items() if c >= 2)


def normalize_text(text: str) -> str:
    """NFKC (full-width → half-width, 〔〕 kept), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


class DomainTokenizer:
    """A jieba tokenizer with a fixed word list and stopwords.

    Documents and queries both go through `tokenize`, which uses search mode
    (`cut_for_search`): a long dictionary word also yields its known sub-words, so
    "建筑起重机械" matches a query for "起重机械".
    """

    def __init__(self, terms: Iterable[str], stopwords: Optional[Iterable[str]] = None) -> None:
        import jieba

        self.terms = sorted(set(t.strip() for t in terms if t and t.strip()))
        self.stopwords = frozenset(default_stopwords() if stopwords is None else stopwords)
        jieba.setLogLevel(logging.WARNING)
        self._synonyms: Optional[dict[str, list[str]]] = None
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for term in self.terms:
            self._jieba.add_word(normalize_text(term), freq=max(self._jieba.suggest_freq(normalize_text(term)), 10))

    @classmethod
    def from_terms(cls, corpus_terms: Iterable[str] = ()) -> "DomainTokenizer":
        """Curated terms plus `corpus_terms`."""
        return cls(list(curated_terms()) + list(corpus_terms))

    @classmethod
    def load(cls, path: Path) -> "DomainTokenizer":
        """The tokenizer saved beside an index by `save`."""
        words = path.read_text(encoding="utf-8").splitlines()
        sep = words.index("#stopwords") if "#stopwords" in words else len(words)
        return cls(words[:sep], [w for w in words[sep + 1 :] if w])

    def save(self, path: Path) -> None:
        path.write_text(self._serialized(), encoding="utf-8")

    def _serialized(self) -> str:
        return "\n".join(self.terms + ["#stopwords"] + sorted(self.stopwords)) + "\n"

    @property
    def hash(self) -> str:
        """sha256 of the word list and stopwords (what the manifest records)."""
        return hashlib.sha256(self._serialized().encode("utf-8")).hexdigest()[:16]

    def tokenize(self, text: str) -> list[str]:
        """Tokens of `text`: search-mode cut, stopwords, whitespace and punctuation dropped."""
        out = []
        for tok in self._jieba.cut_for_search(normalize_text(text), HMM=False):
            tok = tok.strip()
            if not tok or tok in self.stopwords or _PUNCT_ONLY.match(tok):
                continue
            out.append(tok)
            if len(tok) >= 5:
                out.extend(self._long_subwords(tok))
        return out

    def expansions(self, tokens: Sequence[str]) -> list[list[str]]:
        """For each everyday word among a query's `tokens`, the filed words it stands for
        (钱 → [成本, 费用, 经费]), so a writer's own wording still meets the filings'
        vocabulary. Only queries are expanded; documents keep their own tokens."""
        if self._synonyms is None:
            self._synonyms = query_synonyms()
        groups = []
        for t in dict.fromkeys(tokens):
            group = [w for w in self._synonyms.get(t, ()) if w not in tokens]
            if group:
                groups.append(group)
        return groups

    def tokenize_many(
        self, texts: Sequence[str], workers: Optional[int] = None,
        progress: Optional[Callable[[int, int], None]] = None,
    ) -> list[list[str]]:
        """`tokenize` over many texts, in order, on a pool of worker processes when
        there are enough texts to pay for it (jieba is pure Python and holds the GIL).
        Tokens are interned: a million passages share one string per distinct word.

        `workers` defaults to `JIXIAO_WORKERS` or the CPU count. Workers are spawned
        (not forked) so a process with threads (the app) stays safe.
        """
        n = len(texts)
        workers = _worker_count(workers)
        if workers <= 1 or n < PARALLEL_MIN_TEXTS:
            out = []
            for i, text in enumerate(texts):
                out.append([sys.intern(t) for t in self.tokenize(text)])
                if progress and (i % 500 == 0 or i == n - 1):
                    progress(i + 1, n)
            return out
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        chunks = [list(texts[i: i + _CHUNK]) for i in range(0, n, _CHUNK)]
        out = []
        with ctx.Pool(workers, initializer=_init_worker, initargs=(self.terms, sorted(self.stopwords))) as pool:
            for chunk_tokens in pool.imap(_tokenize_chunk, chunks):
                out.extend([sys.intern(t) for t in toks] for toks in chunk_tokens)
                if progress:
                    progress(len(out), n)
        return out

    def _long_subwords(self, tok: str) -> list[str]:
        """Dictionary words of 4+ characters inside a longer word ('建筑起重机械' → '起重机械').

        jieba's search mode only adds the 2- and 3-character pieces; domain terms are
        often longer, and a query for the shorter term must still hit.
        """
        freq = self._jieba.FREQ
        return [
            tok[i: i + n]
            for n in range(4, len(tok))
            for i in range(len(tok) - n + 1)
            if freq.get(tok[i: i + n])
        ]


def _worker_count(workers: Optional[int]) -> int:
    if workers is not None:
        return max(1, workers)
    env = os.environ.get("JIXIAO_WORKERS", "")
    if env.isdigit():
        return max(1, int(env))
    return os.cpu_count() or 1


def _init_worker(terms: list[str], stopwords: list[str]) -> None:
    global _worker_tokenizer
    _worker_tokenizer = DomainTokenizer(terms, stopwords)


def _tokenize_chunk(texts: list[str]) -> list[list[str]]:
    assert _worker_tokenizer is not None, "worker pool started without _init_worker"
    return [_worker_tokenizer.tokenize(t) for t in texts]
