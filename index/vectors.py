"""Exact inner-product search over normalised vectors with FAISS.

An `IndexIDMap2` over `IndexFlatIP`: each vector carries a stable 63-bit id derived
from its passage id, so passages can be removed and added without touching the rest.
A filter is an `IDSelectorBatch` of the allowed ids passed in `SearchParameters`, so
it applies inside the search, not after it.

Example:
    >>> vi = VectorIndex.empty(4); vi.add(np.array([7]), np.eye(4, dtype="float32")[:1])
    >>> vi.search(np.eye(4, dtype="float32")[0], 1)
    (array([1.], dtype=float32), array([7]))
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import numpy as np

from index.errors import IndexCorrupted

if TYPE_CHECKING:
    import faiss


THREADS_ENV = "JIXIAO_FAISS_THREADS"
_threads_set = False


def _configure_threads() -> None:
    """One query at a time is faster on one OpenMP thread (on 2 cores, waking a second
    thread costs more than it saves: ~12 ms per IndexIDMap search). $JIXIAO_FAISS_THREADS overrides."""
    global _threads_set
    if not _threads_set:
        import faiss

        faiss.omp_set_num_threads(int(os.environ.get(THREADS_ENV, "1")))
        _threads_set = True


def vector_id(passage_id: str) -> int:
    """A stable positive int64 for a passage id."""
    return int(hashlib.sha256(passage_id.encode("utf-8")).hexdigest()[:15], 16)


class VectorIndex:
    def __init__(self, index: "faiss.IndexIDMap2") -> None:
        self.index = index

    @classmethod
    def empty(cls, dimension: int) -> "VectorIndex":
        import faiss

        _configure_threads()
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(int(dimension))))

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))

    def remove(self, ids: np.ndarray) -> int:
        import faiss

        if not len(ids):
            return 0
        return int(self.index.remove_ids(faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64))))

    def ids(self) -> np.ndarray:
        import faiss

        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def search(self, query: np.ndarray, k: int, allowed: Optional[np.ndarray] = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of the k nearest vectors, best first; only `allowed` ids if given."""
        import faiss

        if self.ntotal == 0 or k <= 0 or (allowed is not None and len(allowed) == 0):
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        params = None
        if allowed is not None:
            sel = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
            params = faiss.SearchParameters(sel=sel)
        k = min(k, self.ntotal)
        scores, ids = self.index.search(q, k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def save(self, path: Path) -> None:
        """faiss reports a failed write (disk full) as RuntimeError; it is raised as OSError so
        the index writer removes the partial folder and says so in one line."""
        import errno

        import faiss

        try:
            faiss.write_index(self.index, str(path))
        except RuntimeError as exc:
            full = "No space left" in str(exc) or "Disk quota" in str(exc)
            raise OSError(errno.ENOSPC if full else errno.EIO, "向量索引写入失败", str(path)) from exc

    @classmethod
    def load(cls, path: Path) -> "VectorIndex":
        import faiss

        _configure_threads()
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as exc:
            raise IndexCorrupted(f"向量索引 {path} 无法读取（{str(exc).splitlines()[0][:80]}）。请运行 jixiao index build 重建索引") from None
        if not isinstance(index, faiss.IndexIDMap2):
            index = faiss.IndexIDMap2(index) if index.ntotal == 0 else None
            if index is None:
                raise IndexCorrupted(f"向量索引 {path} 格式不对。请运行 jixiao index build 重建索引")
        return cls(index)
