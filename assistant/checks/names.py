"""Chinese names of the rules: what a user reads instead of the English code (S-08 覆盖主要工作, not COVERAGE)."""

from __future__ import annotations

NAME_ZH: dict[str, str] = {
    "PUNCT": "标点与格式", "RELATIVE_TIME": "相对时间表述",
    "REQUIRED_L1": "一级指标齐全", "REQUIRED_L2_OUTPUT": "产出指标齐全", "REQUIRED_L2_BENEFIT": "效益指标齐全",
    "NO_INPUT_AS_TARGET": "投入不作目标", "NO_EMPTY_ROWS": "指标行不空", "NO_DUPLICATE_L3": "三级指标不重复",
    "MIN_COUNT": "指标数量下限", "COVERAGE": "指标覆盖主要工作", "L1_L2_CONSISTENT": "一二级指标归属一致",
    "RATE_CONSISTENCY": "同类比率一致",
    "BASIS_HAS_DOCNO": "立项依据有文号", "DOCNO_FORMAT": "文号格式", "DOCNO_YEAR": "文号年份",
    "NARRATIVE_NUMBERS": "文字与数字相符", "STALE_FIGURES": "沿用旧年数字",
    "COMPARATOR": "指标值有比较符", "UNIT": "指标值有计量单位", "COMPARATOR_FORM": "比较符写法",
    "QUALITATIVE_GRADED": "定性指标分档", "NAME_IS_METRIC": "指标名称可度量", "PCT_RANGE": "百分比范围",
    "TARGET_AND_ACTUAL": "目标值与实际值齐全", "TIMELINESS_VALUE": "时效指标取值", "SAT_FORMAT": "满意度写法",
    "TOTAL_VS_ANNUAL": "总额与年度金额", "FUND_SOURCES_SUM": "资金来源合计", "SPEND_PLAN_MONOTONIC": "支出计划递增",
    "SELF_EVAL_SUMS": "自评金额合计", "COST_VS_BUDGET": "成本与预算相符",
    "GOAL_CONCRETE": "目标具体", "MULTIYEAR_HAS_ANNUAL": "多年项目有年度目标", "GOAL_INDICATOR_TRACE": "目标有指标对应",
    "BOILERPLATE": "套话", "LABEL_MATCH": "栏目名称相符",
    "WEIGHTS": "分值权重", "QUANT_SCORE": "定量指标得分", "DEVIATION_EXPLAINED": "偏差有说明",
    "GRADE_BAND": "评价等级与分数相符", "SCORE_SUPPORTED": "得分有依据", "HEADING_SEQUENCE": "标题序号连续",
    "SIGN_OFF": "落款齐全",
    "TIMELINESS_LEXICON": "时效指标用词", "QUALITY_LEXICON": "质量指标用词", "SATISFACTION_LEXICON": "满意度指标用词",
    "ECONOMIC_LEXICON": "经济效益指标用词", "ECOLOGICAL_LEXICON": "生态效益指标用词", "COST_LEXICON": "成本指标用词",
    "OUTCOME_IN_OUTPUT": "效益写进产出", "SATISFACTION_SUBJECT": "满意度有对象",
}


def name_zh(code: str) -> str:
    """The Chinese name for a rule code; the code itself if none is known (a new rule shows, never breaks)."""
    return NAME_ZH.get(code, code)
