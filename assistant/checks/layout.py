"""Detect which indicator layout (rules.md §0) a project's table uses."""

from __future__ import annotations

from typing import Literal

from corpus.models import Project

Layout = Literal["A", "B", "C", "H"]
LAYOUT_ZH = {
    "A": "全国通用（产出/效益/满意度）",
    "B": "2021年起（成本/产出/效益/满意度）",
    "C": "上海市级模板（投入与管理/产出/效果/影响力）",
    "H": "地方变体（满意度在效益之下）",
}
_BENEFIT_L2 = {"经济效益", "社会效益", "生态效益", "可持续影响"}
_COST_L2 = {"经济成本", "社会成本", "生态环境成本"}
# level-2 categories that belong to each level-1 category, by layout
ALLOWED_L2: dict[str, dict[str, set[str]]] = {
    "A": {"产出": {"数量", "质量", "时效", "成本"}, "效益": _BENEFIT_L2, "满意度": {"满意度"}},
    "B": {"成本": _COST_L2 | {"成本"}, "产出": {"数量", "质量", "时效"}, "效益": _BENEFIT_L2, "满意度": {"满意度"}},
    "C": {"产出": {"数量", "质量", "时效", "成本"}, "效益": _BENEFIT_L2 | {"满意度"}},
    "H": {"产出": {"数量", "质量", "时效", "成本"}, "效益": _BENEFIT_L2 | {"满意度"}, "满意度": {"满意度"}},
}


def detect_layout(project: Project) -> Layout:
    """'C' Shanghai, 'B' cost as level 1, 'H' satisfaction under benefit, else 'A'."""
    rows = project.indicators
    if any(r.category in ("投入与管理", "影响力") or r.level1.startswith("效果") for r in rows):
        return "C"
    if any(r.category == "成本" and (r.level1.startswith("成本") or r.subcategory in _COST_L2) for r in rows):
        return "B"
    if any(r.category == "效益" and r.subcategory == "满意度" for r in rows):
        return "H"
    return "A"
