"""Exceptions raised while reading and parsing filings.

Every error names the file and, where known, the line; the CLI and the app turn
them into one-line Chinese messages with `str(err)`.
"""

from __future__ import annotations

from typing import Optional


class CorpusError(Exception):
    """Base class for everything the corpus layer raises on purpose."""


class ParseError(CorpusError):
    """A file could not be turned into a filing record."""

    reason = "无法解析"

    def __init__(self, path: str, detail: str = "", line: Optional[int] = None) -> None:
        self.path = str(path)
        self.detail = detail
        self.line = line
        super().__init__(self.message())

    def message(self) -> str:
        where = f"{self.path}" + (f" 第{self.line}行" if self.line else "")
        tail = f"：{self.detail}" if self.detail else ""
        return f"{where}：{self.reason}{tail}"


class UnsupportedFormat(ParseError):
    reason = "不支持的文件格式（支持 .txt .docx .pdf .xlsx .doc .xls .wps .et .html .htm，以及 jixiao 导出的 .json）"


class EmptyFile(ParseError):
    reason = "文件为空"


class EncryptedFile(ParseError):
    reason = "文件已加密，无法读取"


class CorruptFile(ParseError):
    reason = "文件已损坏或被截断"


class TooLarge(ParseError):
    reason = "文件超出解析限制"


class ScannedWithoutOcr(ParseError):
    """A PDF whose pages are pictures only, and no OCR engine is installed."""


class NotAFiling(ParseError):
    reason = "不是绩效目标表、绩效自评报告或部门预算项目说明"


class EncodingError(ParseError):
    reason = "无法识别文本编码"


class StoreError(CorpusError):
    """The corpus database could not be opened or written."""


class NotFound(CorpusError):
    """A filing id that is not in the corpus."""
