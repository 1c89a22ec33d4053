"""Exceptions of the checker; the CLI turns them into one-line messages."""

from __future__ import annotations


class CheckError(Exception):
    """Base class for everything the checker raises on purpose."""


class UnknownRule(CheckError):
    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        super().__init__(f"未知的规则编号：{', '.join(ids)}（用 jixiao rules 查看全部规则）")


class UnknownSeverity(CheckError):
    def __init__(self, value: str) -> None:
        super().__init__(f"未知的严重程度：{value}（可选 error / warn / info）")


class LexiconError(CheckError):
    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"词表文件 {path} 无法读取：{detail}")
