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


HEBEI_SELF_EVALUATION = "\n".join([
    "青禾县民政局2021年度预算项目绩效自评表",
    "一、基本情况 项目名称: 困难群众取暖补贴 是否为专项资金: 实施(主管)单位 315002-青禾县民政局机关 金额单位: 万元",
    "二、预算执行情况 预算安排情况(调整后) 资金到位情况 资金执行情况 预算执行进度(%)",
    "预算数 12.50 到位数 12.50 执行数 12.50 100.00",
    "其中:财政资金 12.50 其中:财政资金 12.50 其中:财政资金 12.50",
    "四、年度绩效指标完成情况 一级指标 二级指标 三级指标 指标分值 预期指标值 单项指标实际完成值 单项指标完成情况 自评得分",
    "符号 单位(文字描述) 单项指标得分 权重占比(%) 单项指标折算得分",
    "产出指标 数量指标 补贴发放户数 按标准向困难家庭发放取暖补贴的户数 >= 300 户 320户 完成 30.00 30.00 9.00",
    "时效指标 发放及时率 每季度按时发放补贴的比例(百分比) >= 95 %(百分比) 100% 完成 30.00 30.00 9.00",
    "满意度指标 服务对象满意度指标 服务对象满意度 受助家庭对补贴发放工作的满意程度 >= 90 %(百分比) 98% 完成 10.00 10.00 1.00",
    "预算执行率 预算执行率",
])


def test_hebei_rows_with_a_description_column_and_a_name_that_spells_its_level():
    filing = parse_bytes(HEBEI_SELF_EVALUATION.encode("utf-8"), "取暖补贴_自评表.txt")
    project = filing.projects[0]
    assert project.name == "困难群众取暖补贴"
    # '实施(主管)单位' names both bodies; the code before the name is dropped
    assert (project.implementer, project.department) == ("青禾县民政局机关", "青禾县民政局机关")
    # the 预算执行进度 column's value is the amount left over at the end of the pairs row
    assert (project.budget.current_year, project.budget.executed, project.budget.execution_rate) == (125000, 125000, 100)
    rows = [(i.level1, i.level2, i.name, i.comparator, i.value, i.unit, i.actual, i.score) for i in project.indicators]
    assert ("产出指标", "数量指标", "补贴发放户数", "≥", 300, "户", "320户", 30) in rows
    assert ("产出指标", "时效指标", "发放及时率", "≥", 95, "%", "100%", 30) in rows
    # '服务对象满意度' after the '服务对象满意度指标' cell is the row's name, not a third level
    assert ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", 90, "%", "98%", 10) in rows


INNER_MONGOLIA_TARGETS = "\n".join([
    "草原防火物资储备经费项目绩效目标表",
    "(2022年)",
    "项目名称 草原防火物资储备经费",
    "项目类别 (31)部门预算项目",
    "主管部门 (512)青禾旗林业和草原局(部门)",
    "实施单位 (512001)青禾旗林业和草原局",
    "投入目标 (万元) 资金来源 年初安排金额(万元)",
    "资金总额 8",
    "其中: 财政拨款数 8",
    "其他资金 0",
    "绩效指标 一级指标 二级指标 三级指标 指标性质 指标方向 目标值 计量单位 分值 备注",
    "产出指标 数量指标 储备灭火器数量 正向 = 200 个 10",
    "产出指标 质量指标 物资验收合格率 正向 = 100 % 10",
    "产出指标 成本指标 物资采购总成本 反向 = 8 万元 10",
])


def test_inner_mongolia_codes_role_suffix_and_a_one_column_money_table():
    filing = parse_bytes(INNER_MONGOLIA_TARGETS.encode("utf-8"), "防火物资_目标表.txt")
    project = filing.projects[0]
    assert project.department == "青禾旗林业和草原局"  # '(512)…(部门)': code and role mark dropped
    assert project.budget.current_year == 80000  # '资金总额 8' under the 年初安排金额 column
    rows = [(i.name, i.comparator, i.value, i.unit, i.weight) for i in project.indicators]
    assert ("储备灭火器数量", "=", 200, "个", 10) in rows
    assert ("物资采购总成本", "=", 8, "万元", 10) in rows


def test_an_empty_reason_column_does_not_take_the_next_rows_name():
    text = " ".join([
        "附件: 项目支出绩效自评表 (2022年度) 项目名称 村道保洁经费 主管部门 青禾镇人民政府 实施单位 青禾镇人民政府",
        "绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施",
        "产出指标(50分) 数量指标 保洁村数量 =6个 6 10 10 保洁员人数 =30人 30 10 10",
        "质量指标 保洁达标率 ≥95% 97% 10 10 总分 100 98",
    ])
    filing = parse_bytes(text.encode("utf-8"), "保洁_自评表.txt")
    rows = {i.name: (i.raw_value, i.actual, i.weight, i.score, getattr(i, "deviation", None))
            for i in filing.projects[0].indicators}
    assert rows["保洁村数量"] == ("=6个", "6", 10, 10, None)
    assert rows["保洁员人数"] == ("=30人", "30", 10, 10, None)
