"""Read a filing saved as JSON in the corpus contract (`Filing.model_dump_json`).

Drafts are exported this way, so a draft can be checked or ingested like any filing.
A JSON file that is not a filing (a manifest, a config) is `NotAFiling`, so a folder
walk skips it instead of failing the batch.

Example:
    >>> filing = parse_filing_json(Path("draft.json").read_bytes(), "draft.json")
"""

from __future__ import annotations

import hashlib
import json

from pydantic import ValidationError

from corpus.errors import CorruptFile, EmptyFile, NotAFiling, ParseError, TooLarge
from corpus.models import Filing
from corpus.readers.base import MAX_FILE_BYTES

FILING_KEYS = {"kind", "projects"}


def parse_filing_json(data: bytes, path: str) -> Filing:
    """The `Filing` in `data`; the source becomes this file (its path, hash and size)."""
    if not data.strip():
        raise EmptyFile(path)
    if len(data) > MAX_FILE_BYTES:
        raise TooLarge(path, f"{len(data) // 2**20} MiB，超过 {MAX_FILE_BYTES // 2**20} MiB 上限")
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ParseError(path, "JSON 文件不是 UTF-8 编码") from None
    except json.JSONDecodeError as exc:
        raise CorruptFile(path, f"JSON 格式错误（{exc.msg}，第{exc.colno}列）", line=exc.lineno) from None
    except RecursionError:
        raise ParseError(path, "JSON 嵌套过深") from None
    if not isinstance(obj, dict) or not FILING_KEYS <= obj.keys():
        raise NotAFiling(path, "JSON 文件不是 jixiao 的文件记录（缺少 kind、projects 字段）")
    try:
        filing = Filing.model_validate(obj)
    except RecursionError:
        raise ParseError(path, "JSON 嵌套过深") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ParseError(path, f"JSON 文件记录字段「{where}」无效：{first['msg']}（共 {exc.error_count()} 处）") from None
    filing.source.path = path
    filing.source.sha256 = hashlib.sha256(data).hexdigest()
    filing.source.format = "json"
    filing.source.size_bytes = len(data)
    return filing
