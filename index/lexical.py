"""BM25 over jieba tokens with bm25s: token ids in, a score per passage out.

Filters arrive as a `weight_mask` (1 for allowed passages, 0 for the rest), so they
apply before ranking and before fusion.

Example:
    >>> lex = LexicalIndex.build([["起重", "机械"], ["满意度"]])
    >>> lex.top(lex.scores(["满意度"]), 5)
    (array([1]), array([0.47], dtype=float32))
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from index.errors import IndexCorrupted

log = logging.getLogger(__name__)


class LexicalIndex:
    """A bm25s index whose vocabulary maps our jieba tokens to ids."""

    def __init__(self, bm25) -> None:  # bm25s.BM25
        self.bm25 = bm25

    @classmethod
    def build(cls, token_lists: Sequence[Sequence[str]]) -> "LexicalIndex":
        import bm25s

        vocab: dict[str, int] = {}
        ids = []
        for toks in token_lists:
            row = []
            for t in toks:
                i = vocab.get(t)
                if i is None:
                    i = vocab[t] = len(vocab)
                row.append(i)
            ids.append(row)
        if not vocab:  # an index of empty passages still needs one token
            vocab[""] = 0
        bm25 = bm25s.BM25(backend="numpy")
        bm25.index((ids, vocab), create_empty_token=False, show_progress=False)
        return cls(bm25)

    @property
    def num_docs(self) -> int:
        return int(self.bm25.scores["num_docs"])

    def token_ids(self, tokens: Sequence[str]) -> list[int]:
        vocab = self.bm25.vocab_dict
        return list(dict.fromkeys(vocab[t] for t in tokens if t in vocab))

    def scores(self, tokens: Sequence[str], mask: Optional[np.ndarray] = None) -> np.ndarray:
        """BM25 score of every passage for these query tokens (0 where masked out)."""
        ids = self.token_ids(tokens)
        if not ids:
            return np.zeros(self.num_docs, dtype=np.float32)
        weight = None if mask is None else mask.astype(np.float32, copy=False)
        return self.bm25.get_scores_from_ids(ids, weight_mask=weight)

    @staticmethod
    def top(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and scores of the k best passages with a positive score, best first."""
        pos = np.flatnonzero(scores > 0)
        if len(pos) > k:
            pos = pos[np.argpartition(-scores[pos], k - 1)[:k]]
        order = np.lexsort((pos, -scores[pos]))
        pos = pos[order]
        return pos, scores[pos]

    def save(self, folder: Path) -> None:
        self.bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        import bm25s

        try:
            bm25 = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
        except Exception as exc:  # bm25s raises plain OSError/ValueError/JSONDecodeError
            raise IndexCorrupted(f"关键词索引 {folder} 无法读取（{type(exc).__name__}）。请运行 jixiao index build 重建索引") from None
        return cls(bm25)
