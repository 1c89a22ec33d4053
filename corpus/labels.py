"""The label lexicon: which written labels name which field of a form.

Labels live in `corpus/data/labels.toml` (and a user's `labels.toml` in the jixiao
home, appended) so a new region's wording is a data change, not a code change.
Matching works on a normalised cell: whitespace removed (labels are often spaced
out, `绩 效 目 标`), a trailing colon, a bracketed unit or column mark and a leading
`其中：` dropped.
"""

from __future__ import annotations

import os
import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Optional

_BASE = Path(__file__).parent / "data" / "labels.toml"
_BRACKET_TAIL = re.compile(r"[（(［\[][^（(）)］\]]{0,16}[）)］\]]$")
_BRACKET_ANY = re.compile(r"[（(［\[][^（(）)］\]]{0,16}[）)］\]]")
_LEAD = re.compile(r"^(?:其中[：:]?|[一二三四五六七八九十]+[、.．]|\d+[、.．]|[（(][一二三四五六七八九十\d]+[）)])")
_FOLD = str.maketrans({"（": "(", "）": ")", "：": ":", "［": "[", "］": "]"})


def normalize_label(text: str) -> str:
    """The comparable form of a label cell ('资金情况 (万元)：' → '资金情况')."""
    t = re.sub(r"\s+", "", text).translate(_FOLD).rstrip(":")
    t = _LEAD.sub("", t)
    for _ in range(2):
        stripped = _BRACKET_TAIL.sub("", t).rstrip(":")
        if stripped == t or not stripped:
            break
        t = stripped
    return t


def _home_file() -> Optional[str]:
    """The user's labels.toml, looked up once per home (a new file needs a restart)."""
    return _user_file(os.environ.get("JIXIAO_HOME") or "")


@lru_cache(maxsize=8)
def _user_file(home: str) -> Optional[str]:
    path = Path(home or Path.home() / ".jixiao") / "labels.toml"
    return str(path) if path.is_file() else None


def _load(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=4)
def _lexicon(user_file: Optional[str]) -> dict[str, dict[str, str]]:
    """table -> {normalised label -> field}; user lists appended to ours."""
    data = _load(_BASE)
    if user_file:
        try:
            extra = _load(Path(user_file))
        except (OSError, tomllib.TOMLDecodeError):
            extra = {}
        for table, fields in extra.items():
            if isinstance(fields, dict):
                for key, labels in fields.items():
                    if isinstance(labels, list):
                        data.setdefault(table, {}).setdefault(key, []).extend(str(x) for x in labels)
    out: dict[str, dict[str, str]] = {}
    for table, fields in data.items():
        mapping: dict[str, str] = {}
        for key, labels in fields.items():
            for label in labels:
                mapping.setdefault(normalize_label(label), key)
                mapping.setdefault(_BRACKET_ANY.sub("", normalize_label(label)), key)
        out[table] = mapping
    return out


def lexicon(table: str) -> dict[str, str]:
    """{normalised label -> field} of one table ('fields', 'money', 'goals', 'evaluation')."""
    return _lexicon(_home_file()).get(table, {})


def label_of(cell: str, table: str) -> Optional[str]:
    """The field a whole cell labels, or None."""
    if len(cell) > 60:
        return None
    return _label_of(cell, table, _home_file())


@lru_cache(maxsize=65536)
def _label_of(cell: str, table: str, user_file: Optional[str]) -> Optional[str]:
    norm = normalize_label(cell)
    if not norm or len(norm) > 24:
        return None
    table_map = _lexicon(user_file).get(table, {})
    return table_map.get(norm) or table_map.get(_BRACKET_ANY.sub("", norm))


@lru_cache(maxsize=16)
def _leading_pattern(table: str, user_file: Optional[str]) -> Optional[re.Pattern]:
    labels = sorted((lab for lab in _lexicon(user_file).get(table, {}) if len(lab) >= 3), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, labels))) if labels else None


def leading_label(cell: str, table: str) -> Optional[tuple[str, str, str]]:
    """(field, label, rest) when a cell starts with a label and goes on ('项目名称XX')."""
    compact = re.sub(r"\s+", "", cell).translate(_FOLD)
    compact = _LEAD.sub("", compact)
    user = _home_file()
    pattern = _leading_pattern(table, user)
    m = pattern.match(compact) if pattern else None
    if m is None or len(compact) <= m.end():
        return None
    rest = re.sub(r"^(?:[（(][^）)]{0,12}[）)])?[:]?", "", compact[m.end():])
    return (_lexicon(user)[table][m.group(0)], m.group(0), rest) if rest else None
