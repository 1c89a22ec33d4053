"""The manifest written beside an index: what was indexed, how, with which versions.

Example:
    >>> m = read_manifest(Path("~/.jixiao/index"))
    >>> m.semantic.model_id, m.counts.passages
    ('BAAI/bge-small-zh-v1.5', 2310)
"""

from __future__ import annotations

import json
import time
from importlib import metadata
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, Field, ValidationError

from index.errors import IndexCorrupted, IndexMissing

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


class SemanticInfo(BaseModel):
    enabled: bool = False
    model_id: Optional[str] = None
    dimension: Optional[int] = None
    reason: Optional[str] = None  # why semantic search is off


class Counts(BaseModel):
    filings: int = 0
    passages: int = 0
    by_type: dict[str, int] = Field(default_factory=dict)
    vectors: int = 0


class Manifest(BaseModel):
    format_version: int = FORMAT_VERSION
    created_at: float = Field(default_factory=time.time)
    updated_at: float = Field(default_factory=time.time)
    store_ids: dict[str, str] = Field(default_factory=dict)  # filing id -> sha256 indexed
    dictionary_hash: str = ""
    dictionary_terms: int = 0
    semantic: SemanticInfo = Field(default_factory=SemanticInfo)
    counts: Counts = Field(default_factory=Counts)
    versions: dict[str, str] = Field(default_factory=dict)


def library_versions() -> dict[str, str]:
    out = {}
    for dist in ("jieba", "bm25s", "faiss-cpu", "numpy", "sentence-transformers", "torch"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    out["index_format"] = str(FORMAT_VERSION)
    return out


def read_manifest(folder: Path) -> Manifest:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise IndexMissing(f"还没有检索索引（{folder} 下没有 {MANIFEST}）。请先运行 jixiao index build")
    try:
        manifest = Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, ValueError, UnicodeDecodeError):
        raise IndexCorrupted(f"索引清单 {path} 已损坏，无法读取。请运行 jixiao index build 重建索引") from None
    if manifest.format_version != FORMAT_VERSION:
        raise IndexCorrupted(
            f"索引格式版本 {manifest.format_version} 与本程序（{FORMAT_VERSION}）不符。请运行 jixiao index build 重建索引"
        )
    return manifest


def write_manifest(folder: Path, manifest: Manifest) -> None:
    path = Path(folder) / MANIFEST
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest.model_dump(), ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
