"""Helpers for the index tests: real data, a tiny locally built sentence-transformers
model (no download) and a deterministic fake embedder."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds" if (REPO.parent / "shared").exists() else Path("/work/shared/seeds")
SEED_000 = SEEDS / "000_5c8e543f8e6d7888.txt"
SAMPLE = REPO / "corpus" / "sample"


def seed_filing():
    from corpus.parse import parse_file
    from corpus.store import filing_id

    f = parse_file(SEED_000)
    return filing_id(f.source.sha256), f


def sample_filings() -> list:
    """(id, Filing) for every sample file that parses (empty list if the folder is absent)."""
    from corpus.errors import CorpusError
    from corpus.parse import parse_file
    from corpus.store import filing_id

    out = []
    if SAMPLE.exists():
        for p in sorted(SAMPLE.iterdir()):
            if p.suffix in (".txt", ".docx", ".xlsx", ".pdf"):
                try:
                    f = parse_file(p)
                except CorpusError:
                    continue
                out.append((filing_id(f.source.sha256), f))
    return out


class HashEmbedder:
    """Deterministic bag-of-characters embedder (test fake; not a semantic model)."""

    def __init__(self, dimension: int = 16, model_id: str = "test/hash") -> None:
        self.dimension = dimension
        self.model_id = model_id
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimension, dtype=np.float32)
        for ch in text:
            h = int(hashlib.md5(ch.encode()).hexdigest()[:8], 16)
            v[h % self.dimension] += 1.0 if (h >> 8) & 1 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v + 1.0 / np.sqrt(self.dimension)

    def embed_documents(self, texts):
        self.calls += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def embed_query(self, text):
        return self._vec(text)


def build_tiny_model(folder: Path, texts: Iterable[str], hidden: int = 32, seed: int = 0) -> Path:
    """A one-layer BERT with a character WordPiece vocabulary, wrapped as a
    sentence-transformers model (mean pooling + normalise) and saved to `folder`."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    chars = sorted({ch for t in texts for ch in t if not ch.isspace()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars
    raw = folder / "bert"
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(vocab), hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=2 * hidden, max_position_embeddings=256)
    BertModel(config).save_pretrained(raw)
    BertTokenizerFast(vocab_file=str(raw / "vocab.txt"), tokenize_chinese_chars=True).save_pretrained(raw)
    word = models.Transformer(str(raw), max_seq_length=128)
    dim_of = getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension
    pool = models.Pooling(dim_of(), pooling_mode="mean")
    st = SentenceTransformer(modules=[word, pool, models.Normalize()], device="cpu")
    out = folder / "st"
    st.save(str(out))
    return out
