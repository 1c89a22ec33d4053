"""Space-separated rows whose cells hold spaces and leave empty cells out.

Inputs are written here (fictional units and projects) in the shape Hunan, Hebei and
Inner-Mongolia pages come in: a web table flattened to one line per row, cells and
the spaces inside them both written as spaces.
"""

from __future__ import annotations

from corpus.cells import _space_cells
from corpus.parse import parse_bytes
from corpus.shapes_spaced import join_bracket_parts


def test_bracket_pieces_are_one_cell():
    assert join_bracket_parts(["开发数量(", "≥**个", ")", ">=4个"]) == ["开发数量(≥**个)", ">=4个"]
    assert join_bracket_parts(["执行率(全年", "执行数/全年", "预算数)", "得分"]) == ["执行率(全年执行数/全年预算数)", "得分"]
    # an unclosed bracket within reach leaves the pieces as they were
    assert join_bracket_parts(["说明(", "a", "b", "c", "d", "e", "f"]) == ["说明(", "a", "b", "c", "d", "e", "f"]


def test_space_row_keeps_a_spaced_bracket_in_its_cell():
    assert _space_cells("景点开发数量( ≥**个 ) >=4个 备注") == ["景点开发数量(≥**个)", ">=4个", "备注"]


TARGET_TABLE = "\n".join([
    "绩效目标申报表",
    "项目名称 2021年乡村步道修缮 项目负责人及电话 李某13900000000",
    "主管部门 青禾镇政府 实施单位 [510001]青禾县文旅发展有限公司",
    "资金情况(万元) 年度资金总额: 12",
    "其中:财政拨款 12",
    "其他资金 0",
    "绩效指标 一级指标 二级指标 三级指标 指标值 备注",
    "产出指标 数量指标 修缮步道长度( ≥**公里 ) >=3公里  ",
    "新建驿站数量( ≥**个 ) >=2个  ",
    "质量指标 工程验收合格率(≥**%) >=98%  ",
    "效益指标 社会效益指标 带动游客数量(≥**人) >=5000人  ",
    "满意度指标 服务对象满意度指标 游客满意度(≥**%) >=90%  ",
    "财政部门审核意见 (盖章)",
])


def test_space_separated_target_table_with_spaced_placeholders():
    filing = parse_bytes(TARGET_TABLE.encode("utf-8"), "步道_申报表.txt")
    project = filing.projects[0]
    rows = [(i.level2, i.name, i.comparator, i.value, i.unit) for i in project.indicators]
    assert ("数量指标", "修缮步道长度(≥**公里)", "≥", 3, "公里") in rows
    assert ("数量指标", "新建驿站数量(≥**个)", "≥", 2, "个") in rows
    assert ("质量指标", "工程验收合格率(≥**%)", "≥", 98, "%") in rows
    assert ("服务对象满意度指标", "游客满意度(≥**%)", "≥", 90, "%") in rows
