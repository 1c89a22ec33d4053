"""Indicator tables extracted out of reading order (PDF/xls/docx text on mirror sites).

Inputs are written here (fictional units and projects) in the two de-interleaved
orders such copies come in: every row's values in one run apart from the names and
level labels (row-major), or the names first and then each column header with its
column's values (column-major).
"""

from __future__ import annotations

from corpus.cells import Cell, Row
from corpus.parse import parse_bytes
from corpus.readers.base import Line
from corpus.shapes_interleaved import recover_interleaved

ROW_MAJOR = " ".join([
    "财政项目支出绩效自评表 (2023 年度) 项目名称 青禾公园绿化养护 主管部门 青禾区绿化局 实施单位 青禾区公园管理所",
    "一级指标 二级指标 数量指标 三级指标 养护面积达标 年度 指标值 实际 完成值 分值 得分",
    "=100% 100% 20 20 ≥95% 96% 20 18 及时 及时 20 20 >=90% 92% 20 20 >=90% 95% 20 18 100 96",
    "率 产出指标 质量指标 绩 效 指 标 时效指标 效益指标 社会效益指标 苗木成活率 养护及时性 市民游园环境改善",
    "满意度指标 服务对象满意度指标 游客满意度 总分",
])


def test_row_major_values_are_given_back_to_their_names():
    filing = parse_bytes(ROW_MAJOR.encode("utf-8"), "公园养护_自评表.txt")
    project = filing.projects[0]
    rows = [(i.level1, i.level2, i.name, i.raw_value, i.actual, i.weight, i.score) for i in project.indicators]
    assert rows == [
        ("产出指标", "数量指标", "养护面积达标率", "=100%", "100%", 20, 20),  # '率' cut off the name, joined
        ("产出指标", "质量指标", "苗木成活率", "≥95%", "96%", 20, 18),
        ("产出指标", "时效指标", "养护及时性", "及时", "及时", 20, 20),
        ("效益指标", "社会效益指标", "市民游园环境改善", ">=90%", "92%", 20, 20),
        ("满意度指标", "服务对象满意度指标", "游客满意度", ">=90%", "95%", 20, 18),
    ]
    assert filing.evaluation.score == 96  # the 总分 row's values, left over after the rows


COLUMN_MAJOR = "\n".join([
    "绩效目标表",
    "资金名称 青禾县职业教育专项资金",
    "三级指标 新建实训基地(个) 实训设备到位率(%)",
    "学生实训覆盖率(%)",
    "年度目标值",
    "3 100% 90%",
    "实施周期目标值",
    "5 100% 95% 持续提升 逐步",
])


def test_column_major_values_follow_their_header():
    filing = parse_bytes(COLUMN_MAJOR.encode("utf-8"), "职教_目标表.txt")
    rows = [(i.name, i.value, i.unit) for i in filing.projects[0].indicators if i.value is not None]
    assert rows == [("新建实训基地(个)", 3, "个"), ("实训设备到位率(%)", 100, "%"), ("学生实训覆盖率(%)", 90, "%")]
    # the values past the last name are kept and read as a row cut off
    assert any("中断" in w for w in filing.warnings)


def _stream(texts: list[str]) -> list[Row]:
    line = Line(no=1, text=" ".join(texts))
    return [Row(cells=[Cell(t, line, 0) for t in texts], tabular=True)]


def test_a_table_in_reading_order_is_left_alone():
    texts = ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分",
             "产出指标", "数量指标", "培训人数", "≥100人", "120人", "20", "20",
             "质量指标", "培训合格率", "≥90%", "95%", "20", "20",
             "时效指标", "培训按时完成率", "100%", "100%", "20", "20", "总分", "100", "100"]
    rows = _stream(texts)
    assert [r.texts for r in recover_interleaved(rows)] == [texts]


def test_counts_that_do_not_agree_leave_the_region_as_it_came():
    # three names but a value run that does not fill three rows of four columns
    texts = ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分",
             "=100%", "100%", "20", "20", "≥95%", "96%", "20",
             "数量指标", "甲项目完成率", "质量指标", "乙项目合格率", "时效指标", "丙项目及时率", "总分"]
    rows = _stream(texts)
    assert [r.texts for r in recover_interleaved(rows)] == [texts]


ONE_LINE_HEAD = " ".join([
    "财政项目支出绩效自评表 (2023 年度) 青禾公园绿化养 护经费 项目名称 主管部门 青禾区绿化局",
    "年初预算数 全年预算数 全年执行数 分值 执行率 得分 80000.00 80000.00 72,000.0 10 9.00",
    "80000.00 80000.00 72000.0 — 上年结转资金 0 0 — 其他资金 0 0 — 年度资金总额 项目资金 (元)",
    "青禾区公园 管理所 实施单位 其中:当年财政拨款 预期目标 年度 总体 目标 90.00% 实际完成情况 已完成全年养护。",
    "一级指标 二级指标 三级指标 指标值 实际完成值 分值 得分 总分",
])


def test_one_line_head_values_before_labels_and_a_displaced_money_row():
    filing = parse_bytes(ONE_LINE_HEAD.encode("utf-8"), "公园养护_自评表.txt")
    project = filing.projects[0]
    # the name and the unit came before their labels; their pieces are joined
    assert project.name == "青禾公园绿化养护经费"
    assert project.implementer == "青禾区公园管理所"
    assert project.department == "青禾区绿化局"
    budget = project.budget
    # the amounts right after the header are the 年度资金总额 row; the 执行率 cell the extraction
    # put among the goals is the lone percentage that agrees with 执行数 / 预算数
    assert (budget.total, budget.current_year, budget.executed, budget.execution_rate) == (80000, 80000, 72000, 90)


def test_a_stray_percentage_that_disagrees_with_the_amounts_is_not_the_rate():
    text = ONE_LINE_HEAD.replace("90.00%", "75.00%")
    budget = parse_bytes(text.encode("utf-8"), "公园养护_自评表.txt").projects[0].budget
    assert (budget.current_year, budget.executed, budget.execution_rate) == (80000, 72000, None)


LABEL_ROWS = "\n".join([
    "绩效目标表",
    "资金名称 省级业务主管部",
    "门 资金类型 实施周期",
    "战略领域 财政事权 政策任务",
    "青禾省文化发展专项资金",
    "推动公共文化服务 提升基层文化设施水平 青禾省文化厅 专项资金 2022年-2024年",
    "三级指标 新建文化站(个) 设施达标率(%)",
    "年度目标值",
    "12 100%",
])


def test_a_row_of_labels_then_a_row_of_values_pairs_them_by_what_they_look_like():
    filing = parse_bytes(LABEL_ROWS.encode("utf-8"), "文化_目标表.txt")
    project = filing.projects[0]
    assert project.name == "青禾省文化发展专项资金"
    # the label cut by a line break ('省级业务主管部' / '门') joined; the body, not the
    # policy sentence ending in a 校/站-like word, is the department
    assert project.department == "青禾省文化厅"
    assert [(i.name, i.value) for i in project.indicators if i.value is not None] == [("新建文化站(个)", 12), ("设施达标率(%)", 100)]


def test_rows_of_label_and_value_pairs_are_not_taken_for_label_rows():
    text = "\n".join(["绩效目标表", "项目名称 村道照明 主管部门 青禾县住建局", "实施单位 青禾县路灯所 项目期限 一年"])
    project = parse_bytes(text.encode("utf-8"), "照明_目标表.txt").projects[0]
    assert (project.name, project.department, project.implementer) == ("村道照明", "青禾县住建局", "青禾县路灯所")
