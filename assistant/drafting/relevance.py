"""Which precedents are close enough to draft from: the relevance gate.

A precedent project is *relevant* to a new project only when it is in the same field
(a small keyword lexicon of the fields budget filings fall into) and its name, unit and
overview are similar enough to the writer's name + brief (character-bigram overlap,
plus a bonus for ranking high in the index's own search, which is semantic when the
index has vectors). Below the bar the drafter writes a skeleton instead of another
project's text, and the nearest precedents are only listed as 仅供参考.

Example:
    >>> field_of("城市桥梁定期检测 对全市32座城市桥梁开展定期检测")
    '建设与市政'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from corpus.models import Filing, Project

# field → keywords; a text's field is the one whose keywords it mentions most (ties: first listed)
FIELDS: dict[str, tuple[str, ...]] = {
    "建设与市政": ("桥梁", "道路", "市政", "建设工程", "在建", "工地", "施工", "建筑", "房屋", "隧道", "管网", "排水",
               "起重", "质量安全", "监督检测", "基础设施", "路灯", "交通设施", "工程质量", "危房", "城建", "公路",
               "养护", "交通"),
    "水利": ("水利", "水库", "堤防", "灌溉", "水毁", "山塘", "水土保持", "防洪", "泵站", "渠道"),
    "生态环境": ("扬尘", "渣土", "垃圾", "环卫", "污水", "水质", "大气", "空气", "噪声", "环境监测", "生态", "绿化",
             "河道", "排污", "固废", "分类", "环境", "废弃物", "再生资源", "病媒"),
    "教育": ("教师", "学生", "学校", "教育", "课程", "培训", "教学", "校园", "幼儿", "师资"),
    "卫生健康": ("医疗", "医院", "卫生", "健康", "疾病", "疫苗", "体检", "患者", "药品", "公共卫生", "防疫"),
    "农业农村": ("农业", "农村", "农田", "种植", "养殖", "农产品", "农户", "粮食", "畜牧", "渔业", "农机", "耕地"),
    "文化旅游": ("文化", "图书", "博物", "演出", "展览", "观众", "文艺", "非遗", "旅游", "文物", "阅读", "剧", "体育", "健身"),
    "政法司法": ("法治", "司法", "普法", "公证", "法律援助", "调解", "法院", "检察"),
    "民政社保": ("养老", "救助", "社区", "残疾", "低保", "就业", "社保", "老年", "福利"),
    "安全应急": ("消防", "应急", "安全生产", "防汛", "救援", "灾害"),
}
MIN_SIMILARITY = 0.12  # bigram overlap of name+brief vs. a same-field precedent's name+overview
STRONG_SIMILARITY = 0.35  # enough even when one side's field is unknown
MAX_CANDIDATES = 5


def field_of(text: str) -> Optional[str]:
    """The field a text is about, or None when it names none of the lexicon's keywords."""
    best, best_n = None, 0
    for name, words in FIELDS.items():
        n = sum(text.count(w) for w in words)
        if n > best_n:
            best, best_n = name, n
    return best


def _bigrams(text: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fff]", " ", text or "")
    grams: set[str] = set()
    for run in han.split():
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
    return grams


_STOP = _bigrams("项目开展工作实施单位管理进行提高全市全区本市本区年度计划")


def similarity(a: str, b: str) -> float:
    """Share of `a`'s content bigrams found in `b` (a = the writer's name + brief)."""
    ga, gb = _bigrams(a) - _STOP, _bigrams(b) - _STOP
    if not ga:
        return 0.0
    return len(ga & gb) / len(ga)


def project_text(prec: Project) -> str:
    """What a precedent is about: its name, unit and overview."""
    overview = prec.section("overview")
    return " ".join(x for x in (prec.name, prec.unit or "", overview.text if overview else "") if x)


@dataclass
class Candidate:
    """One precedent project with how close it is to the new project."""

    filing_id: str
    filing: Filing
    idx: int
    project: Project
    score: float
    field: Optional[str]
    same_field: bool
    relevant: bool = False
    reasons: list[str] = field(default_factory=list)

    def label(self) -> str:
        """'2023年·某单位·某项目' — how a placeholder names its source."""
        year = f"{self.filing.year}年" if self.filing.year else "年度不详"
        return f"{year}·{self.project.unit or self.filing.unit or '单位不详'}·{self.project.name}"


def _search_bonus(query: str, home: Optional[Path]) -> dict[tuple[str, int], float]:
    """A small bonus for projects the index ranks high for the query (semantic when it has vectors)."""
    try:
        from assistant.search_service import SearchFilters, search

        try:
            resp = search(query, SearchFilters(type="section"), k=20, home=home, mode="hybrid")
        except Exception:  # noqa: BLE001 - no model, no index: lexical similarity alone decides
            resp = search(query, SearchFilters(type="section"), k=20, home=home, mode="lexical")
    except Exception:  # noqa: BLE001 - an empty or missing index is not an error for drafting
        return {}
    out: dict[tuple[str, int], float] = {}
    for rank, h in enumerate(resp.hits):
        key = (h.passage.filing_id, h.passage.project_idx)
        out.setdefault(key, 0.1 * (1 - rank / max(len(resp.hits), 1)))
    return out


def rank_precedents(
    name: str, brief: str, unit: str, filings: Iterable[tuple[str, Filing]], home: Optional[Path] = None,
    exclude: Optional[set[str]] = None, use_search: bool = True,
) -> list[Candidate]:
    """Every target-table project in `filings`, closest first, each marked relevant or not by the gate."""
    query = f"{name} {brief}".strip()
    own_field = field_of(f"{name} {brief} {unit}")
    bonus = _search_bonus(query, home) if use_search else {}
    out: list[Candidate] = []
    for fid, filing in filings:
        if filing.kind != "target_table" or (exclude and fid in exclude):
            continue
        for idx, prec in enumerate(filing.projects):
            text = project_text(prec)
            sim = similarity(query, text) + bonus.get((fid, idx), 0.0)
            pf = field_of(text)
            same = own_field is not None and pf == own_field
            relevant = (same and sim >= MIN_SIMILARITY) or (
                (own_field is None or pf is None) and sim >= STRONG_SIMILARITY)
            out.append(Candidate(fid, filing, idx, prec, round(sim, 3), pf, same, relevant))
    out.sort(key=lambda c: (c.relevant, c.same_field, c.score), reverse=True)
    return out


def relevant(cands: list[Candidate]) -> list[Candidate]:
    return [c for c in cands if c.relevant][:MAX_CANDIDATES]


def nearest_note(cands: list[Candidate], n: int = 3) -> str:
    """The nearest precedents as a '仅供参考' line (never used as if they fitted)."""
    near = [f"{c.label()}（{c.field or '领域不详'}）" for c in cands[:n]]
    return "最接近的先例（仅供参考）：" + "；".join(near) if near else (
        "语料库中没有任何目标表：用 jixiao ingest <文件夹> 入库同类项目的目标表（或 jixiao sample 导入示例语料）后，起草会参照相近先例")
