"""Seeds and real PDFs parse into the exact values a reader of the source sees."""

from __future__ import annotations

from datetime import date

import pytest

EXPECTED_000_INDICATORS = {
    '安全质量监督查处': [
        ('投入与管理', '投入管理', '投入时间', '2020年度'),
        ('产出目标', '数量', '抽查特级一级企业及承建项目数', '=50家'),
        ('产出目标', '数量', '事故现场影像汇总光盘', '=1套'),
        ('产出目标', '数量', '对19年度涉事故企业（含施工单位和监理单位）强制培训', '=1项'),
        ('产出目标', '数量', '建筑起重机械使用安全监督检测抽查工地数', '=30个'),
        ('产出目标', '数量', '建筑起重机械使用安全监督检测出具报告数', '=60份'),
        ('产出目标', '质量', '全年发生事故的施工项目影像年度分析报告', '=1份'),
        ('产出目标', '质量', '培训情况总结', '=1份'),
        ('产出目标', '质量', '对违规企业进行处罚并形成总结报告数', '=1份'),
        ('产出目标', '时效', '对违规企业进行处罚并形成总结报告完成时间', '=11月底前'),
        ('效果目标', '社会效益', '进一步规范建筑施工企业安全生产条件,提高建设参与各方的安全意识和管理水平,落实安全生产责任,提升施工安全生产监督管理整体水平和效果.通过检查发现企业及施工现场存在隐患和问题,为同类通病治理提供经验。', '>=90%'),
        ('效果目标', '满意度', '群众满意度', '>=90%'),
        ('影响力目标', '长效管理', '防止较大及以上生产安全事故发生,减少一般生产安全事故发生,控制和减少施工扰民,提高整体安全生产管理水平。', '提高管理水平'),
    ],
    '建设工程安全质量管控': [
        ('投入与管理', '投入管理', '投入时间', '2020年度'),
        ('产出目标', '数量', '2020年研究课题项目数', '=2项'),
        ('产出目标', '数量', '相关审改文件的整理和汇编', '=1项'),
        ('产出目标', '质量', '配合起草相关综合竣工验收配套文件、世行年度测评报告解读分析', '=1份'),
        ('产出目标', '质量', '综合竣工验收的流程图解、一问一答及说明', '完善'),
        ('产出目标', '时效', '2020年课题研究时间', '=3月份~11月份'),
        ('产出目标', '时效', '相关审改文件的整理和汇编进行时间', '=3月~11月'),
        ('效果目标', '社会效益', '以问题导向为目标，通过课题研究，使我们的课题研究成果更接近现场，更接近企业，并使研究结果能应用到现场质量管理；通过检测工作管理，使检测的结果更加真实有效', '>=90%'),
        ('效果目标', '满意度', '群众满意度', '>=90%'),
        ('影响力目标', '长效管理', '充分利用行业专家的能力更好的使我们的课题研究真实有效。通过检测工作管理，使我们的监督抽检更加的真实有效，更具有行业威慑力', '威慑作用'),
    ],
    '建设工程监督检测': [
        ('投入与管理', '投入管理', '投入时间', '2020年度'),
        ('产出目标', '数量', '根据工作安排，专项检查数', '=5个'),
        ('产出目标', '数量', '根据工作安排，检查项目数', '=120个'),
        ('产出目标', '数量', '形成施工现场材料检测报告数', '=150份'),
        ('产出目标', '数量', '形成施工现场实体检测报告数', '=80份'),
        ('产出目标', '数量', '通过检查形成检查通报文件或检查小结数', '=5份'),
        ('产出目标', '数量', '对在建的工程项目实施建材监督抽检率', '=30%'),
        ('产出目标', '数量', '对在建的工程项目实施工程实体监督抽检率', '=20%'),
        ('产出目标', '数量', '安全类抽查工地数', '=36个'),
        ('产出目标', '数量', '安全类抽查检测报告及小结数', '=1份'),
        ('产出目标', '数量', '监督抽检覆盖率', '>=5%'),
        ('产出目标', '数量', '每年检查涉及全市16个区县，对所有检查中涉及建材监督抽检以及实体检测不合格的工程进行处置率', '16'),
        ('产出目标', '质量', '建材监督抽检合格率', '>=85%'),
        ('产出目标', '质量', '通过此项监督抽检工作，保证上海市的材料及实体检测合格率较19年提升率', '=1~2%'),
        ('产出目标', '时效', '11月之前相关的专项检查结束（专项检查安排为4月、5月、7月、9月、10月各一个），相关的检测报告在规定时间内由检测单位直接汇总给总站。', '11月前'),
        ('产出目标', '时效', '安全类抽查在每年6~8月份。相关小结在检查结束后形成时间', '<=45天'),
        ('效果目标', '社会效益', '通过各项抽检和检查监管等手段，对一些数据的整理，梳理存在的问题，形成通报文件或工作报告。作为推进相应后续管理工作，包括管理措施、相关文件，规范标准的制订等的依据，对相应的参建各方形成震慑作用的同时，也有效的提高上海市建设工程安全、质量监管水平，从而有效的保障了相关政策的推进落实、企业管理、区县管理等。', '>=90%'),
        ('效果目标', '满意度', '群众满意度', '>=90%'),
        ('影响力目标', '长效管理', '通过发布抽检结果，考核结果，通报讲评，放大效应，提高震慑力。并为下一阶段工作提供依据。通过双随机式的监督抽检，对工程在建材使用形成威慑力，确保工程质量。提高参建各方的质量、安全意识，提高各区级监督机构的监督意识。保证在建工程的安全、质量。', '震慑作用'),
    ],
}


def test_seed000_kind_unit_year(seed000):
    assert seed000.kind == "target_table"
    assert seed000.unit == "上海市建设工程安全质量监督总站"
    assert seed000.year == 2020
    assert [p.name for p in seed000.projects] == ["安全质量监督查处", "建设工程安全质量管控", "建设工程监督检测"]


@pytest.mark.parametrize(
    "idx,total,current,prior_budget,prior_executed",
    [
        (0, 517_500, 517_500, 529_000, 529_000),
        (1, 935_200, 935_200, 1_239_600, 1_239_600),
        (2, 1_530_000, 1_530_000, 1_810_000, 1_810_000),
    ],
)
def test_seed000_budgets(seed000, idx, total, current, prior_budget, prior_executed):
    b = seed000.projects[idx].budget
    assert (b.total, b.current_year, b.prior_year_budget, b.prior_year_executed) == (
        total, current, prior_budget, prior_executed,
    )


def test_seed000_headers_and_dates(seed000):
    for p in seed000.projects:
        assert p.category == "其他一次性项目"
        assert p.start_date == date(2020, 1, 1) and p.end_date == date(2020, 12, 31)
        assert p.header["government_purchase"] == "否"
        assert [s.kind for s in p.sections] == ["overview", "legal_basis", "necessity", "measures", "plan", "goals"]
        assert [(s.period, s.cumulative_percent) for s in p.spending_plan] == [
            ("1-6月", 30.0), ("1-10月", 80.0), ("1-11月", 100.0)
        ]


@pytest.mark.parametrize("name", list(EXPECTED_000_INDICATORS))
def test_seed000_every_indicator_row(seed000, name):
    project = next(p for p in seed000.projects if p.name == name)
    rows = [(i.level1, i.level2, i.name, i.raw_value) for i in project.indicators]
    assert rows == EXPECTED_000_INDICATORS[name]


def test_seed000_values_normalised(seed000):
    rows = {i.name: i for p in seed000.projects for i in p.indicators}
    sat = rows["群众满意度"]
    assert (sat.comparator, sat.value, sat.unit, sat.raw_value) == ("≥", 90.0, "%", ">=90%")
    assert (rows["抽查特级一级企业及承建项目数"].comparator, rows["抽查特级一级企业及承建项目数"].value,
            rows["抽查特级一级企业及承建项目数"].unit) == ("=", 50.0, "家")
    deadline = rows["对违规企业进行处罚并形成总结报告完成时间"]
    assert (deadline.comparator, deadline.value, deadline.raw_value) == ("=", None, "=11月底前")
    ranged = next(i for n, i in rows.items() if n.endswith("较19年提升率"))
    assert (ranged.comparator, ranged.value, ranged.value_high, ranged.unit) == ("=", 1.0, 2.0, "%")
    bare = next(i for n, i in rows.items() if n.endswith("进行处置率"))
    assert (bare.comparator, bare.value, bare.unit) == (None, 16.0, None)
    assert rows["相关审改文件的整理和汇编进行时间"].raw_value == "=3月~11月"


def test_seed000_indicator_provenance(seed000):
    row = next(i for i in seed000.projects[0].indicators if i.name.startswith("对19年度涉事故企业"))
    # the name wraps over lines 78-80 of the file and its value sits on line 81
    assert (row.span.line_start, row.span.line_end) == (78, 81)
    assert row.name == "对19年度涉事故企业（含施工单位和监理单位）强制培训"


EXPECTED_000_BASES = [
    [
        ("房屋建筑和市政基础设施工程施工监督工作规程", "建质【2014】154号", "建质〔2014〕154号"),
        ("上海市建设工程质量安全监督工作规定", "沪建交【2012】896号", "沪建交〔2012〕896号"),
        ("上海市建筑施工企业安全生产许可批后监督管理办法", "沪住建规范【2019】5号", "沪住建规范〔2019〕5号"),
        ("上海市建设工程生产安全事故管理规定", "沪建质安【2019】367号", "沪建质安〔2019〕367号"),
        ("上海市建筑起重机械监督管理规定", "沪建管【2014】755号", "沪建管〔2014〕755号"),
        ("关于上海市建设工程安全质量监督总站内设机构职责调整的通知", "沪建安质监[2018]12号", "沪建安质监〔2018〕12号"),
    ],
    [
        ("住建部工程质量安全监管司2019年工作要点", "建质综函〔2019〕4号", "建质综函〔2019〕4号"),
        ("国家信息化发展战略纲要", None, None),
        ("2016-2020建筑业信息化发展纲要", "建质函[2016]183号", "建质函〔2016〕183号"),
        ("关于进一步加强本市建设工程质量安全监督机构及队伍建设意见的通知", "沪府办[2012]36号", "沪府办〔2012〕36号"),
        ("上海市建设工程质量安全监督管理规定", "沪建质安〔2018〕210号", "沪建质安〔2018〕210号"),
        ("进一步推进本市社会投资项目审批改革工作", "沪建规范联[2018]3号", "沪建规范联〔2018〕3号"),
        ("进一步深化本市社会投资项目审批改革实施细则", "沪社审改[2018]1号", "沪社审改〔2018〕1号"),
        ("进一步深化本市社会投资项目审批改革实施办法", "沪府办发[2018]4号", "沪府办发〔2018〕4号"),
        ("社会投资项目竣工验收改革实施办法", "沪社审改【2018】2号", "沪社审改〔2018〕2号"),
        ("关于上海市建设工程安全质量监督总站内设机构职责调整的通知", "沪建安质监[2018]12号", "沪建安质监〔2018〕12号"),
        ("2018年工程质量监督管理工作重点及实施意见", "沪建安质监[2018]17号", "沪建安质监〔2018〕17号"),
    ],
    [
        (None, None, None),
        (None, None, None),
        ("上海市城乡建设和交通委员会关于发布<上海市建设工程监督检测管理办法>的通知", "沪建交（2013）231", "沪建交〔2013〕231号"),
        ("房屋建筑和市政基础设施工程施工监督工作规程", "建质【2014】154号", "建质〔2014〕154号"),
        ("上海市建设工程质量安全监督工作规定", "沪建交【2012】896号", "沪建交〔2012〕896号"),
        ("建筑施工现场钢管扣件安全管理规定", "沪建质安【2016】256号", "沪建质安〔2016〕256号"),
        ("建筑施工现场钢管扣件安全管理规定", "沪建安质监【2017】93号", "沪建安质监〔2017〕93号"),
    ],
]


@pytest.mark.parametrize("idx", [0, 1, 2])
def test_seed000_legal_bases(seed000, idx):
    bases = seed000.projects[idx].legal_bases
    assert [(b.title, b.doc_number, b.doc_number_normalized) for b in bases] == EXPECTED_000_BASES[idx]


def test_seed000_legal_basis_texts_rejoined(seed000):
    texts = [b.text for b in seed000.projects[2].legal_bases]
    assert texts[0] == "73号市长令"
    assert texts[1] == "关于2014年全市建设工程监督抽检的工作报告"
    # the wrapped "建质【2014\n】154号" is re-joined and only 〔〕 counts as well formed
    first = seed000.projects[0].legal_bases[0].doc_numbers[0]
    assert (first.raw, first.well_formed, first.year, first.number) == ("建质【2014】154号", False, 2014, 154)
    assert seed000.projects[1].legal_bases[0].doc_numbers[0].well_formed is True


def test_seed000_sections_rejoin_wrapped_lines(seed000):
    overview = seed000.projects[0].section("overview").text
    assert "工程现场建筑起重机械监管--建筑起重机械使用安全监督检测。" in overview
    assert seed000.projects[2].section("overview").span.line_start < seed000.projects[2].section("legal_basis").span.line_start


# --- seed 004: Hunan department-wide self-evaluation -----------------------------

def test_seed004_header(seed004):
    e = seed004.evaluation
    assert seed004.kind == "self_evaluation"
    assert seed004.unit == "临湘市建设工程质量安全监督站"
    assert seed004.year == 2023
    assert (e.score, e.grade, e.report_date) == (99.0, "优", date(2024, 9, 28))
    assert (e.staffing_authorized, e.staffing_actual) == (50, 68)
    assert (e.contact, e.phone) == ("周华丽", "3734882")
    assert len(e.tasks) == 4 and e.tasks[0].startswith("任务1：加强建筑市场的规范管理")


def test_seed004_money_in_yuan(seed004):
    e = seed004.evaluation
    income = {r.org: r.values for r in e.income}
    assert income["3、二级机构2"] == {
        "收入合计": 8_813_200.0, "上年结转": None, "公共财政拨款": 6_628_600.0, "政府基金拨款": None,
        "纳入专户管理的非税收入拨款": 2_184_600.0, "其他收入": None,
    }
    assert all(v is None for v in income["局机关及二级机构汇总"].values())
    spend = {r.org: r.values for r in e.expenditure}["3、二级机构2"]
    assert (spend["支出合计"], spend["基本支出"], spend["人员支出"], spend["公用支出"], spend["项目支出"]) == (
        8_813_200.0, 7_673_200.0, 6_823_000.0, 850_200.0, 1_140_000.0,
    )
    three = {r.org: r.values for r in e.three_public}["3、二级机构2"]
    assert (three["三公经费合计"], three["公务接待费"], three["公务用车运维费"]) == (21_400.0, 11_000.0, 10_400.0)
    assets = {r.org: r.values for r in e.fixed_assets}["3、二级机构2"]
    assert assets["固定资产合计"] == 6_810_600.0


EXPECTED_004_INDICATORS = [
    ("产出目标", "质量指标", "施工安全合格率", "100%", False),
    ("产出目标", "质量指标", "竣工验收合格率", "100%", False),
    ("产出目标", "数量指标", "竣工验收项目", "30个", False),
    ("产出目标", "数量指标", "竣工验收备案项目", "15个", False),
    ("产出目标", "时效指标", "受监工程事故率", "0", False),
    ("产出目标", "时效指标", "", "", True),
    ("产出目标", "成本指标", "", "", True),
    ("产出目标", "成本指标", "", "", True),
    ("产出目标", "成本指标", "……", "", True),
    ("效益目标", "社会效益", "受监工程事故率", "0", False),
    ("效益目标", "经济效益", "工程报建率", "100%", False),
    ("效益目标", "生态效益", "质量安全受监率", "100%", False),
    ("效益目标", "社会公众或服务对象满意度", "施工安全合格率", "100%", False),
]


def test_seed004_indicator_rows(seed004):
    (project,) = seed004.projects
    rows = [(i.level1, i.level2, i.name, i.raw_value, i.empty) for i in project.indicators]
    assert rows == EXPECTED_004_INDICATORS
    assert [i.raw_name for i in project.indicators if i.empty] == ["指标2：", "指标1：", "指标2：", "……"]
    assert all(i.actual is None for i in project.indicators)  # the seed gives one value per row
    sat = project.indicators[-1]
    assert (sat.category, sat.subcategory) == ("效益", "满意度")


def test_seed004_goals_evaluators_narrative(seed004):
    e = seed004.evaluation
    assert [(g.target, g.actual) for g in e.qualitative_goals][0] == ("目标1：工程报建率达100%", "工程报建率达100%")
    assert [(x.name, x.title, x.signed) for x in e.evaluators] == [
        ("余祥虎", "站长", False), ("曾敏", "副站长", False), ("周理军", "副站长", False)
    ]
    assert e.sign_off == {"评价组组长（签字）": False, "部门（单位）意见": False, "财政部门归口业务科室意见": False}
    assert len(e.problems) == 3 and e.problems[1].startswith("（2）绩效目标和指标往往根据项目实际完成情况制定")
    assert len(e.improvements) == 2
    titles = [s.title for s in e.sections]
    assert "存在的主要问题" in titles and "六、改进措施和有关建议" in titles and "部门（单位）整体支出绩效情况" in titles


# --- real budget-disclosure PDFs ------------------------------------------------------

def test_commerce_pdf_projects(commerce):
    assert commerce.kind == "budget_disclosure"
    assert (commerce.unit, commerce.year) == ("上海市普陀区商务委员会", 2025)
    got = [(p.name, p.budget.current_year, p.span.page) for p in commerce.projects]
    assert got == [
        ("科技创新专项", 17_200_000.0, 23),
        ("生命健康专项（政策资金）", 11_700_000.0, 24),
        ("商业创新专项（政策资金）", 14_100_000.0, 25),
        ("贸易高质量发展专项（政策资金）", 29_210_000.0, 26),
    ]
    for p in commerce.projects:
        assert (p.start_date, p.end_date) == (date(2025, 1, 1), date(2025, 12, 31))
        assert p.implementer == "上海市普陀区商务委员会"
        assert {s.kind for s in p.sections} >= {"overview", "legal_basis", "implementer", "plan", "period", "budget_plan", "goals"}


def test_commerce_pdf_legal_bases(commerce):
    bases = {p.name: [(b.title, [d.normalized for d in b.doc_numbers]) for b in p.legal_bases] for p in commerce.projects}
    assert bases["科技创新专项"] == [
        ("普陀区服务企业发展工作实施意见", ["普投资规范〔2023〕1号"]),
        ("普陀区支持科技创新实施意见", ["普科合规范〔2023〕3号"]),
    ]
    assert bases["生命健康专项（政策资金）"] == [("普陀区加快发展生命健康产业实施意见", [])]
    assert bases["商业创新专项（政策资金）"] == [
        ("2024年上海建设国际消费中心城市工作要点", ["沪商商贸〔2024〕109号"]),
        ("上海市进一步促进商旅文体展联动吸引扩大消费的若干措施", ["沪商规〔2024〕3号"]),
        ("关于进一步促进上海市首发经济高质量发展的若干措施", ["沪商规〔2024〕4号"]),
    ]
    # item 3 wraps across lines and cites two documents with （） brackets
    assert bases["贸易高质量发展专项（政策资金）"][2] == (
        "上海市跨国公司地区总部发展资金管理办法", ["沪商规〔2024〕2号", "普投资规范〔2023〕1号"]
    )
    breakdown = commerce.projects[1].budget.breakdown
    assert breakdown == {"支持企业规模化发展": 8_700_000.0, "支持企业创新化发展": 700_000.0,
                         "支持企业协同化发展": 1_800_000.0, "支持企业国际化发展": 500_000.0}


def test_wanli_pdf_project(wanli):
    assert (wanli.unit, wanli.year) == ("上海市普陀区人民政府万里街道办事处", 2024)
    (p,) = wanli.projects
    assert p.name == "万里街道社区公共服务中心新建工程"
    assert p.span.page == 33
    assert [d.normalized for b in p.legal_bases for d in b.doc_numbers] == ["沪府规〔2016〕168号", "普发改投〔2017〕89号"]
    assert [(s.period, s.amount, s.cumulative_percent) for s in p.spending_plan] == [
        ("第一季度", 1_580_500.0, 25.0), ("第二季度", 1_580_500.0, 50.0),
        ("第三季度", 1_580_500.0, 75.0), ("第四季度", 1_580_500.0, 100.0),
    ]
    assert p.budget.current_year == 6_322_000.0
    assert p.section("goals").text.startswith("建成后作为万里街道社区事务受理")
