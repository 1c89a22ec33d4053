"""Narrative figures: B-08 (counts and sub-totals in prose), T-03 (stale statistics in a target table)."""

from __future__ import annotations

import re
from typing import Iterator

from assistant.checks.engine import FilingContext, ProjectContext
from assistant.checks.registry import Hit, rule
from assistant.checks.rules._util import COUNT_UNITS, clip
from corpus.normalize import dated_sentences

_UNIT = "|".join(sorted(map(re.escape, COUNT_UNITS), key=len, reverse=True))

# "共开展…考评4次": a stated number of rounds (only 次, only after 共/共计, within one clause)
_TOTAL_TIMES = re.compile(r"共(?:计)?[^。；;，,（(：:]{0,30}?(\d+)\s*次")
# the items that enumerate the rounds: 一季度/第二季度 … or 第一次/第2次 …
_QUARTER = re.compile(r"(?<![每各本上下])(?:第)?([一二三四1-4])\s*季度")
_NTH_TIME = re.compile(r"第([一二三四五六七八九十]{1,3}|\d{1,2})次")
_CN = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}

# "390份（上平台项目通知298份，未上平台项目通知92份）": a total followed by its parts in brackets
_SUBTOTAL = re.compile(rf"(?<![\d.])(\d+)\s*({_UNIT})\s*[（(]([^（）()]{{2,160}})[）)]")
_PART_HEDGES = ("含", "包括", "等", "约", "余", "多", "以上", "以下", "累计", "同比", "较", "每", "各", "%", "％", "/", "平均")


def _texts(ctx: FilingContext):
    f = ctx.filing
    for p in f.projects:
        for s in p.sections:
            if s.kind != "legal_basis":
                yield f"项目「{p.name}」· 栏目 {s.title}", s.text, s.span
    if f.evaluation:
        for s in f.evaluation.sections:
            yield f"栏目 {s.title}", s.text, s.span


def _enumerated(rest: str) -> set[int]:
    quarters = {int(q) if q.isdigit() else _CN[q] for q in _QUARTER.findall(rest)}
    if quarters:
        return quarters
    return {int(n) if n.isdigit() else _CN.get(n, 0) for n in _NTH_TIME.findall(rest)}


def _count_mismatches(text: str) -> Iterator[tuple[str, str]]:
    for m in _TOTAL_TIMES.finditer(text):
        end = text.find("。", m.end())
        rest = text[m.end(): end if end != -1 else len(text)]
        first = _QUARTER.search(rest) or _NTH_TIME.search(rest)
        if not first or first.start() > 8:  # the enumeration must follow the count directly
            continue
        items = _enumerated(rest)
        stated = int(m.group(1))
        if len(items) >= 2 and len(items) != stated:
            kind = "季度" if _QUARTER.search(rest) else "次"
            yield (f"写明共{stated}次，但随后只逐项列出了{len(items)}{'个' if kind == '季度' else ''}{kind}的情况",
                   text[m.start():m.end() + 40])


def _sum_mismatches(text: str) -> Iterator[tuple[str, str]]:
    for m in _SUBTOTAL.finditer(text):
        total, unit, inside = int(m.group(1)), m.group(2), m.group(3)
        if any(h in inside for h in _PART_HEDGES):
            continue
        parts = re.findall(rf"(?<![\d.])(\d+)\s*({_UNIT})", inside)
        numbers = re.findall(r"\d+(?:\.\d+)?", inside)
        if len(parts) < 2 or len(parts) != len(numbers) or any(u != unit for _, u in parts):
            continue
        got = sum(int(n) for n, _ in parts)
        if got != total:
            yield (f"「{total}{unit}」括号内各分项合计{got}{unit}，与总数{total}{unit}不一致", m.group(0))


@rule(
    "B-08", "NARRATIVE_NUMBERS", "warn", "law", "V",
    "S4 地方转载285号办法：绩效报告应数据准确、逻辑清晰",
    "正文中的数字要前后对得上：写明“共N次”的，随后逐项列出的季度/次数应为N项；“N份（A份，B份）”的分项之和应等于N。",
    scope="filing",
)
def b08(ctx: FilingContext) -> Iterator[Hit]:
    for where, text, span in _texts(ctx):
        for problem, excerpt in list(_count_mismatches(text)) + list(_sum_mismatches(text)):
            yield Hit(f"{where}{problem}。请核对总数，或补全缺少的分项。", location=where, text=excerpt, span=span)


_STAT = re.compile(rf"\d+(?:\.\d+)?\s*(?:{_UNIT}|万元|亿元|元|%|％)")
_SINCE = ("以来", "至今", "起", "开始", "来")
_BASELINE_KINDS = ("overview", "necessity")


@rule(
    "T-03", "STALE_FIGURES", "info", "convention", "O",
    "实际填报中观察到的问题（种子文件 000：2020年目标表引用2018年抽检数据）",
    "目标表的项目概况、立项必要性引用的统计数据应为最近一年（申报年度的上一年）的；引用两年以前的数字，多半是沿用旧表未更新。"
    "这是惯例提示，并非成文规定。",
)
def t03(ctx: ProjectContext) -> Iterator[Hit]:
    year = ctx.year
    if ctx.filing.kind != "target_table" or not year:
        return
    for s in ctx.project.sections:
        if s.kind not in _BASELINE_KINDS:
            continue
        stale: list[str] = []
        years: list[int] = []
        for d in dated_sentences(s.text):
            if d.year > year - 2 or d.after.lstrip().lstrip("年度").startswith(_SINCE):
                continue
            if "《" in d.sentence or "〔" in d.sentence:
                continue  # a document title or number, not a statistic
            rest = re.sub(rf"(?:19|20)?{str(d.year)[2:]}\s*年度?", "", d.sentence)
            if _STAT.search(rest) and d.sentence not in stale:
                stale.append(d.sentence)
                years.append(d.year)
        if stale:
            yield Hit(
                f"项目「{ctx.project.name}」的{s.title}引用了{min(years)}年的统计数据，而本表是{year}年的目标表。"
                f"请更新为{year - 1}年（或最近一年）的数据，或说明为何沿用旧数据（惯例提示，并非成文规定）。",
                location=f"栏目 {s.title}", text="；".join(clip(x.rstrip("；;。"), 80) for x in stale[:3]), span=s.span,
            )
