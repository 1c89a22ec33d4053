"""Who filed a prose report and what project it is about, from its heading.

A 自评报告 written as prose has no 项目名称 or 单位 cells. Its title says both
('保山市图书馆2022年度项目支出绩效自评报告', '关于上报2023年1-4级残疾军人护理费项目支出绩效自评的报告'),
or its first paragraph does ('现将2022年西平县交通运输局…绩效自评总结报告如下'), and a
government page names the body that published it ('来源：临河区退役军人事务局').
"""

from __future__ import annotations

import re
from typing import Optional

from corpus.cells import Cell

_REPORT = r"(?:绩效自评(?:总结)?报告|自评(?:总结)?报告|绩效评价报告|评价报告|绩效自评的报告|自评的报告|绩效自评情况的?报告)"
_TITLE_RE = re.compile(rf"^(?:附件\d*[:：])?([^，。；,;：:]{{2,80}}?{_REPORT})((?:[（(][^（()）]{{2,40}}[）)]?)?)")
_INTRO_RE = re.compile(rf"现将(.{{4,80}}?{_REPORT})(?:如下|报告如下)")
_LEAD = re.compile(r"^(?:标题[:：]?|关于|上报|报送|呈报)+")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")
_ORG = re.compile(
    r"^(.{2,30}?(?:委员会|办公室|管理局|事务局|服务中心|中心|局|委|办|馆|院|政府|学校|医院|站|所|厅|处|街道办事处|镇|乡))"
    r"(?=(?:19|20)\d{2}|部门|单位|整体|项目|财政|关于)"
    r"|^(.{2,30}?[市县区州旗].{1,12}?(?:委员会|办公室|局|政府))"  # '青禾县交通运输局衔接资金项目'
)
_NAME_TAIL = re.compile(r"(?:部门(?:（单位）|\(单位\))?)?(?:整体支出|专项资金|转移支付|支出|资金)*(?:绩效)?$")
_PUBLISHER = re.compile(r"(?:来源|发布机构|制发机构|发文机关)\s*[:：]?\s*([^\s|:：]{3,30}?(?:局|委员会|委|办公室|中心|馆|院|政府|厅))(?:\s|$)")
_FILE_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|wps)$", re.I)


def _generic(title: str) -> bool:
    """'项目资金绩效评价报告' names no project: look further for the real heading."""
    rest = re.sub(_REPORT, "", _LEAD.sub("", title))
    rest = _YEAR.sub("", re.sub(r"^附件\d*[:：]?", "", rest))
    rest = re.sub(r"项目|资金|支出|部门|单位|整体|财政|专项", "", rest)
    return len(rest) < 3


def _texts(cells: list[Cell], limit: int) -> list[str]:
    """Whole source lines, without spaces: a title with spaces ('关于 2021 年度…') may be split into cells."""
    out: list[str] = []
    for cell in cells:
        text = re.sub(r"\s+", "", cell.line.text)
        if not out or out[-1] != text:
            out.append(text)
        if len(out) >= limit:
            break
    return out


def find_report_title(cells: list[Cell]) -> Optional[str]:
    """The report's own heading, or the report its first paragraph announces."""
    texts = _texts(cells, 200)
    for t in texts[:60]:
        m = _TITLE_RE.match(_FILE_EXT.sub("", t))
        if m and not _generic(m.group(1)):
            return m.group(1) + m.group(2)
    for t in texts:
        m = _INTRO_RE.search(t)
        if m:
            return m.group(1)
    return None


def report_parts(title: str) -> tuple[Optional[str], Optional[str]]:
    """(filing body, project name) a report's title gives; either may be None.

    A 部门整体支出 report is about the body itself: it names no project.
    """
    t = _LEAD.sub("", re.sub(r"\s+", "", title))
    bracket = None
    m = re.search(r"[（(]([^（()）]{2,40})[）)]?$", t)
    if m and not _YEAR.fullmatch(m.group(1)):
        bracket, t = m.group(1), t[: m.start()]
    t = re.sub(rf"{_REPORT}$", "", t)
    t = re.sub(r"^(?:19|20)\d{2}\s*年度?", "", t)
    org = None
    m = _ORG.match(t)
    if m:
        org, t = m.group(1) or m.group(2), t[m.end():]
    if "整体" in t:
        return org, None
    t = _YEAR.sub("", t)
    name = _NAME_TAIL.sub("", t) or None
    if bracket and re.search(r"[\u4e00-\u9fff]{4}", bracket):
        name = bracket
    if name and len(name) < 2:
        name = None
    return org, name


def page_publisher(lines) -> Optional[str]:
    """The body a government page names as the source ('来源：XX局'), from its chrome lines."""
    for line in lines[:60]:
        m = _PUBLISHER.search(line.text)
        if m:
            return m.group(1)
    return None
