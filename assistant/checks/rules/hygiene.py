"""I. Text hygiene: T-01, T-02 (T-03 stale figures lives in narrative.py with B-08)."""

from __future__ import annotations

import re
from typing import Iterator

from assistant.checks.engine import FilingContext
from assistant.checks.registry import Hit, rule

_PUNCT = [
    (re.compile(r"([。，、；：！？])\1"), "重复的标点"),
    (re.compile(r"(?<![\d.])(?:19|20)\s+\d{2}\s*年|(?<![\d.])(?:19|20)\d\s+\d\s*年"), "年份中间有空格"),
]


def _texts(ctx: FilingContext):
    f = ctx.filing
    if f.title:
        yield "标题", f.title, None
    for p in f.projects:
        for key, value in p.header.items():
            if isinstance(value, str) and value.strip():
                yield f"项目「{p.name}」表头 {key}", value, p.span
        for s in p.sections:
            yield f"项目「{p.name}」· 栏目 {s.title}", s.text, s.span
    if f.evaluation:
        for s in f.evaluation.sections:
            yield f"栏目 {s.title}", s.text, s.span
        for t in f.evaluation.tasks:
            yield "年度主要任务", t, None


@rule(
    "T-01", "PUNCT", "info", "convention", "O",
    "实际填报中观察到的问题",
    "标题、表头和正文不要出现重复标点（“。。”）、年份或数字中间的空格（“20 23”）。",
    scope="filing",
)
def t01(ctx: FilingContext) -> Iterator[Hit]:
    for where, text, span in _texts(ctx):
        for pat, what in _PUNCT:
            m = pat.search(text)
            if m:
                start = max(0, m.start() - 12)
                yield Hit(f"{where}有{what}「{m.group(0)}」。请改正。", location=where,
                          text=text[start:m.end() + 8], span=span)


_RELATIVE = re.compile(r"今年至今|今年|目前|近期|截至目前")


@rule(
    "T-02", "RELATIVE_TIME", "info", "convention", "O",
    "实际填报中观察到的问题",
    "评价已结束年度的报告里不要用“今年”“目前”“近期”等相对时间，应写明具体年度或日期。",
    scope="filing",
)
def t02(ctx: FilingContext) -> Iterator[Hit]:
    if ctx.filing.kind != "self_evaluation":
        return
    for where, text, span in _texts(ctx):
        found = list(dict.fromkeys(m.group(0) for m in _RELATIVE.finditer(text)))
        if found:
            m = _RELATIVE.search(text)
            year = ctx.filing.year
            yield Hit(
                f"{where}使用了相对时间“{'、'.join(found)}”。报告评价的是{year or '上一'}年度，请改为“{year or 'XXXX'}年”或具体日期。",
                location=where, text=text[max(0, m.start() - 5):m.end() + 20], span=span,
            )
