"""F. 立项依据 (legal basis): L-01 … L-03. (L-04, re-joining wrapped numbers, is the parser's job.)"""

from __future__ import annotations

import re
from typing import Iterator

from assistant.checks.engine import ProjectContext
from assistant.checks.registry import Hit, rule
from assistant.checks.rules._util import clip

_LAW_TITLE = re.compile(r"(?:法|条例|法典)$")
_LAW_CITE = re.compile(r"令\s*第?\s*\d+\s*号|第\s*\d+\s*号令|施行|修正|修订|公布")
_PAIRS = (("（", "）"), ("(", ")"), ("【", "】"), ("[", "]"), ("《", "》"), ("〔", "〕"))


def _where(i: int) -> str:
    return f"立项依据第{i + 1}条"


@rule(
    "L-01", "BASIS_HAS_DOCNO", "warn", "template", "V",
    "S6 共性指标体系框架“立项依据充分性”；S12 申报表“项目立项的依据”（条款措辞据领域知识，未核对原文）",
    "每条立项依据应写明文件名称（《》）和发文字号；法律、法规可写名称加施行日期。只有编号（如“73号市长令”）、"
    "或工作报告、工作要点等非规范性文件，不足以作为立项依据。",
)
def l01(ctx: ProjectContext) -> Iterator[Hit]:
    non_normative = ctx.lexicon.words("non_normative")
    for i, lb in enumerate(ctx.project.legal_bases):
        text = lb.text.strip()
        has_title = "《" in text
        has_no = bool(lb.doc_numbers) or bool(_LAW_CITE.search(text))
        problem = None
        if not has_no and any(w in text for w in non_normative):
            problem = "是工作报告/工作要点等非规范性材料，且没有发文字号。请改引正式印发的文件（名称加字号），或删除"
        elif not has_title and not has_no:
            if re.search(r"\d+\s*号", text) and len(text) <= 15:
                problem = "只有编号，没有文件名称。请写出完整名称，如“《上海市建设工程检测管理办法》（上海市人民政府令第73号）”"
            else:
                problem = "既没有《》文件名称，也没有发文字号。请写明“《文件名称》（机关代字〔年份〕序号号）”"
        elif has_title and not has_no and not _LAW_TITLE.search(lb.title or ""):
            problem = "只有文件名称，没有发文字号。请补上发文字号（如“国发〔2016〕73号”）；法律法规可写施行日期"
        if problem:
            yield Hit(f"立项依据「{clip(text, 40)}」{problem}。", location=_where(i), text=text, span=lb.span)


@rule(
    "L-02", "DOCNO_FORMAT", "info", "law", "V2",
    "S14 GB/T 9704-2012《党政机关公文格式》7.2.5 发文字号：年份用六角括号〔〕括入，序号不编虚位，后加“号”",
    "发文字号应写成“机关代字〔YYYY〕N号”：六角括号〔〕、四位年份、序号无前导零、以“号”结尾。【】[]（）等写法应改为〔〕。",
)
def l02(ctx: ProjectContext) -> Iterator[Hit]:
    for i, lb in enumerate(ctx.project.legal_bases):
        for dn in lb.doc_numbers:
            if not dn.well_formed:
                yield Hit(
                    f"发文字号「{dn.raw}」格式不规范，应写为「{dn.normalized}」（年份用六角括号〔〕，以“号”结尾）。",
                    location=_where(i), text=dn.raw, span=lb.span,
                )


def _unbalanced(text: str) -> list[str]:
    bad = []
    for o, c in _PAIRS:
        if text.count(o) != text.count(c):
            bad.append(o + c)
    return bad


@rule(
    "L-03", "DOCNO_YEAR", "warn", "law", "V2",
    "S14 GB/T 9704-2012 7.2.5 发文字号",
    "所引文件的年份不能晚于申报年度；字号残缺（缺“号”、括号不配对或全角半角混用）的引用要改正。",
)
def l03(ctx: ProjectContext) -> Iterator[Hit]:
    year = ctx.year
    for i, lb in enumerate(ctx.project.legal_bases):
        problems = []
        for dn in lb.doc_numbers:
            if year and dn.year > year:
                problems.append(f"字号「{dn.raw}」的年份{dn.year}晚于申报年度{year}")
            if not dn.raw.endswith("号"):
                problems.append(f"字号「{dn.raw}」缺少“号”字")
        bad = _unbalanced(lb.text)
        if bad:
            problems.append(f"括号不配对（{'、'.join(bad)}），可能是全角半角混用或字号残缺")
        if problems:
            yield Hit(f"立项依据「{clip(lb.text, 40)}」：{'；'.join(problems)}。请核对原文件后改正。",
                      location=_where(i), text=lb.text, span=lb.span)
