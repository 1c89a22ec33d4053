"""A web table flattened one cell per line, with its labels wrapped inside their cells.

The input is written here (fictional unit and project) in the shape Hebei and
Hunan pages come in: every cell on its own line between blank lines, header cells
split over two lines ('年初' / '预算数', '实际' / '完成值', '经济效益' / '指标'),
template rows left blank ('指标2' / '……').
"""

from __future__ import annotations

from corpus.cells import Cell, Row
from corpus.parse import parse_bytes
from corpus.readers.base import Line
from corpus.wrapped_labels import join_wrapped_labels

CELLS = [
    "项目支出绩效自评表", "（2022年度）", "项目名称", "村道照明维护经费", "主管部门", "青禾县住建局",
    "实施单位", "青禾县路灯所", "项目资金", "(万元)", " ",
    "年初", "预算数", "全年", "预算数", "全年", "执行数", "分值", "执行率", "得分",
    "年度资金总额", "50", "48", "40", "10", "83%", "8",
    "一级指标", "二级指标", "三级指标", "年度", "指标值", "实际", "完成值", "分值", "得分", "偏差原因分析及改进措施",
    "产出指标", "数量指标", "指标1维护路灯数量", "300", "280", "20", "18", "部分线路改造推迟",
    "指标2", "……",
    "质量指标", "指标1路灯亮灯率", "95", "96", "20", "20",
    "指标2维修合格率", "100", "100", "10", "10", "……",
    "效益指标", "社会效益", "指标", "指标1夜间出行安全", "改善", "改善", "20", "20",
    "满意度", "指标", "服务对象满意度指标", "指标1村民满意度", "90", "92", "20", "20",
]


def _document() -> bytes:
    return "\n\n".join(CELLS).encode("utf-8")


def _cell(text: str) -> Row:
    return Row(cells=[Cell(text, Line(no=1, text=text))])


def test_wrapped_labels_are_joined_only_when_together_they_are_a_label():
    rows = [_cell(t) for t in ("年初", "预算数", "实际", "完成值", "经济效益", "指标", "青禾县", "预算数")]
    assert [r.cells[0].text for r in join_wrapped_labels(rows)] == [
        "年初预算数", "实际完成值", "经济效益指标", "青禾县", "预算数"
    ]


def test_wrapped_labels_inside_a_marked_row():
    line = Line(no=1, text="")
    row = Row(cells=[Cell(t, line) for t in ("项目", "名称", "村道照明")], tabular=True)
    assert join_wrapped_labels([row])[0].texts == ["项目名称", "村道照明"]


def test_one_cell_per_line_self_evaluation_with_wrapped_headers():
    filing = parse_bytes(_document(), "村道照明_自评表.txt")
    assert filing.kind == "self_evaluation"
    project = filing.projects[0]
    assert (project.name, project.department, project.implementer) == ("村道照明维护经费", "青禾县住建局", "青禾县路灯所")
    budget = project.budget
    assert (budget.total, budget.current_year, budget.executed, budget.execution_rate) == (500000, 480000, 400000, 83)
    rows = [(i.level1, i.level2, i.name, i.raw_value, i.actual, i.weight, i.score) for i in project.indicators]
    assert rows == [
        ("产出指标", "数量指标", "维护路灯数量", "300", "280", 20, 18),
        ("产出指标", "质量指标", "路灯亮灯率", "95", "96", 20, 20),
        ("产出指标", "质量指标", "维修合格率", "100", "100", 10, 10),
        ("效益指标", "社会效益指标", "夜间出行安全", "改善", "改善", 20, 20),
        ("满意度指标", "服务对象满意度指标", "村民满意度", "90", "92", 20, 20),
    ]
    assert project.indicators[0].deviation == "部分线路改造推迟"


def test_cells_of_a_form_are_not_taken_for_report_sections():
    filing = parse_bytes(_document(), "村道照明_自评表.txt")
    titles = [s.title for s in filing.evaluation.sections]
    assert "年初预算数" not in titles and "300" not in titles and "项目名称" not in titles


NOTICE = [
    "2023年青禾市重大政策和项目绩效目标情况", "乡村托育补助项目项目绩效目标", "附件1", "资金安排表", "序号", "乡镇名称",
    "项 目 名 称", "金额", "备注", "1", "东坪镇", "东坪托育点改造", "20", "", "实施主体", "。青禾市卫健委。",
    "项目具体目标表", "一级指标", "二级指标", "指标名称", "指标值", "产出指标", "数量指标", "新增托位", "120个",
    "满意度指标", "满意度指标", "家长满意度", "≥90%",
]


def test_a_target_notice_one_cell_per_line():
    filing = parse_bytes("\n\n".join(NOTICE).encode("utf-8"), "托育目标.txt")
    project = filing.projects[0]
    assert project.name == "乡村托育补助项目"  # from '…项目绩效目标', not the 安排表's 金额 column
    assert filing.year == 2023
    assert project.implementer == "青禾市卫健委"
    rows = [(i.level1, i.level2, i.name, i.raw_value) for i in project.indicators]
    assert rows == [("产出指标", "数量指标", "新增托位", "120个"), ("满意度指标", "满意度指标", "家长满意度", "≥90%")]
