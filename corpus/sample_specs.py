"""Hand-written fictional projects behind `corpus/sample/`, and the random variant for `synth`.

Every unit, project and document number here is invented. Six fields (construction
supervision, education, health, environment, agriculture, culture) have one project
each, filed every year 2021–2024 with evolving budgets (the 上年 fields carry the
previous year's 当年预算 and 执行数); a fictional Shanghai district unit files two
projects in the 2016–2020 市级 layout. `SAMPLE_FILES` lists the bundled files: which
project/year, which shape, and which defects (rule ids from docs/rules.md) each one
deliberately contains. Run `python -m corpus.sample_specs` to rewrite corpus/sample/.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Optional

from corpus.synth import EXT, FilingDoc, ProjectDoc, Row, expected_rows, render

SAMPLE_DIR = Path(__file__).parent / "sample"

# --- the projects -----------------------------------------------------------------
# rows: (一级, 二级, 三级, value); a value with "{}" takes the year's number from the list
# (index 0 = 2021). Cost rows use 二级 '经济成本'/'社会成本'… and move under 产出/成本 in
# the national layout.

PROJECTS: dict[str, dict] = {
    "construction": dict(
        field="construction",
        unit="虹川区建设工程质量安全监督站",
        department="虹川区住房和城乡建设管理委员会",
        name="在建工程质量安全监督抽查",
        category="经常性项目",
        manager="陈立峰",
        phone="021-5608xxxx",
        overview=[
            "本项目委托具备资质的第三方检测机构，对全区在建房屋建筑和市政基础设施工程开展质量安全监督抽查，"
            "内容包括钢筋、混凝土、防水材料等主要建材的见证抽检，主体结构实体检测，深基坑、高支模、"
            "建筑起重机械等危险性较大的分部分项工程专项检查，以及对抽查发现问题的跟踪复查。{year}年计划"
            "抽查在建项目{n0}个，出具检测报告{n1}份。",
        ],
        basis=[
            (2014, "《建设工程质量管理条例》（国务院令第279号）"),
            (2014, "关于印发《房屋建筑和市政基础设施工程施工安全监督工作规程》的通知（建质〔2014〕154号）"),
            (2018, "《危险性较大的分部分项工程安全管理规定》（住房城乡建设部令第37号）"),
            (2019, "关于印发《虹川区建设工程质量安全监督抽查实施办法》的通知（虹建管〔2019〕47号）"),
            (2021, "关于进一步加强全区在建工程安全生产监管工作的通知（虹住建〔2021〕12号）"),
        ],
        necessity=[
            "全区在建工程体量大、参建单位多，部分中小施工企业质量安全管理力量薄弱，建材以次充好、"
            "结构实体强度不足等问题时有发生。依靠监督人员现场目测难以发现隐蔽问题，需借助专业检测手段，"
            "以数据支撑执法，及时消除质量安全隐患。",
        ],
        measures=[
            "监督站制定年度抽查计划，按照“双随机、一公开”原则抽取项目；通过公开招标确定检测机构并签订合同，"
            "明确检测范围、频次和报告时限；检测结果不合格的，监督站在3个工作日内下发整改通知书并跟踪复查；"
            "每季度召开一次抽查情况分析会，资金按合同节点审批支付。",
        ],
        plan=[(3, 20), (6, 45), (9, 75), (11, 100)],
        goals=[
            "完成全区在建工程质量安全监督抽查，及时发现并督促整改建材和实体质量问题，"
            "全年不发生较大及以上生产安全事故，主要建材抽检合格率保持在95%以上，"
            "抽查发现问题整改闭合率达到100%。",
        ],
        budgets={2020: 620000, 2021: 648000, 2022: 672500, 2023: 655000, 2024: 690000},
        exec_ratio={2020: 0.985, 2021: 0.972, 2022: 0.991, 2023: 0.964, 2024: 0.98},
        rows=[
            ("产出", "数量", "监督抽查在建工程项目数", "≥{}个", [180, 190, 200, 210]),
            ("产出", "数量", "出具建材及实体检测报告数", "≥{}份", [420, 450, 460, 480]),
            ("产出", "数量", "深基坑、高支模、建筑起重机械等危险性较大的分部分项工程专项检查次数", "≥{}次", [12, 12, 14, 16]),
            ("产出", "质量", "检测报告规范合格率", "=100%", None),
            ("产出", "质量", "抽查发现问题整改闭合率", "=100%", None),
            ("产出", "时效", "不合格检测结果告知时限", "≤3个工作日", None),
            ("产出", "时效", "年度抽查任务完成时间", "11月底前", None),
            ("成本", "经济成本", "单个项目平均抽查检测费用", "≤{}元", [3600, 3500, 3300, 3300]),
            ("效益", "社会效益", "主要建材抽检合格率", "≥95%", None),
            ("效益", "社会效益", "较大及以上生产安全事故起数", "=0起", None),
            ("效益", "可持续影响", "质量安全隐患闭环管理机制运行情况", "通过年度考核", None),
            ("满意度", "满意度", "受检建设单位满意度", "≥90%", None),
        ],
        problems="部分检测报告出具时间偏长，个别项目整改复查不及时；抽查项目在各街镇间分布不够均衡。",
        improvements="在检测合同中明确报告出具时限和违约责任；建立整改复查台账，按周跟踪；"
        "下一年度按街镇在建项目数量分配抽查比例。",
    ),
    "education": dict(
        field="education",
        unit="江湾区教师发展中心",
        department="江湾区教育局",
        name="中小学教师全员培训",
        category="经常性项目",
        manager="周文娟",
        phone="0571-8823xxxx",
        overview=[
            "面向全区中小学、幼儿园在职教师开展分层分类培训，包括新教师入职规范化培训、骨干教师研修、"
            "学科教学能力提升、信息技术应用能力提升和班主任专题培训。{year}年计划开设培训班{n2}期，"
            "培训教师{n0}人次，组织教学展示活动{n3}场。",
        ],
        basis=[
            (2015, "《中华人民共和国教师法》"),
            (2018, "中共中央 国务院《关于全面深化新时代教师队伍建设改革的意见》（中发〔2018〕4号）"),
            (2019, "关于实施全国中小学教师信息技术应用能力提升工程2.0的意见（教师〔2019〕1号）"),
            (2020, "江湾区教育局关于印发《江湾区中小学教师继续教育学分管理办法》的通知（江教〔2020〕36号）"),
            (2022, "关于印发《江湾区“强师工程”三年行动计划（2022—2024年）》的通知（江教〔2022〕15号）"),
        ],
        necessity=[
            "近三年全区新入职教师占比超过两成，青年教师课堂驾驭能力和家校沟通能力亟待提高；"
            "新课程方案实施后，跨学科教学和作业设计对教师提出新要求。按照继续教育学分管理要求，"
            "每位教师五年内须完成不少于360学时培训，需由区级统筹组织实施。",
        ],
        measures=[
            "中心成立项目工作组，年初开展培训需求调研，据此制定分层培训方案；培训课程实行专家评审，"
            "授课教师从市级专家库和区学科带头人中遴选；每期培训实行签到、过程考核和结业测评，"
            "学分统一录入继续教育管理平台；培训经费按照区级培训费管理办法执行，专款专用。",
        ],
        plan=[(4, 25), (7, 55), (10, 85), (12, 100)],
        goals=[
            "全年完成全区在职教师分层分类培训，新教师规范化培训覆盖率100%，参训教师结业合格率不低于95%，"
            "培育区级骨干教师40名，教师信息技术应用能力测评达标率提高到90%以上。",
        ],
        budgets={2020: 1180000, 2021: 1235000, 2022: 1310000, 2023: 1288000, 2024: 1350000},
        exec_ratio={2020: 0.97, 2021: 0.982, 2022: 0.958, 2023: 0.993, 2024: 0.98},
        rows=[
            ("产出", "数量", "培训教师人次", "≥{}人次", [3200, 3400, 3500, 3600]),
            ("产出", "数量", "开设培训班期数", "≥{}期", [24, 26, 28, 28]),
            ("产出", "数量", "组织教学展示活动场次", "≥{}场", [10, 12, 12, 14]),
            ("产出", "质量", "参训教师结业合格率", "≥95%", None),
            ("产出", "质量", "新入职教师规范化培训及师德师风专题教育覆盖率", "=100%", None),
            ("产出", "时效", "年度培训计划完成时间", "12月15日前", None),
            ("成本", "经济成本", "人均培训成本", "≤{}元", [380, 385, 370, 375]),
            ("效益", "社会效益", "参训教师课堂教学评价优良率", "≥85%", None),
            ("效益", "可持续影响", "区级骨干教师培育人数", "≥40名", None),
            ("满意度", "满意度", "参训教师满意度", "≥92%", None),
        ],
        problems="部分学科培训内容与一线需求衔接不紧；农村学校教师因调课困难，参训率低于城区学校。",
        improvements="增加送教下乡和线上直播课程比重；培训安排提前一学期下达，便于学校统筹调课。",
    ),
    "health": dict(
        field="health",
        unit="临溪县疾病预防控制中心",
        department="临溪县卫生健康局",
        name="居民健康素养促进行动",
        category="专项业务类",
        manager="何建军",
        phone="0736-7215xxxx",
        overview=[
            "围绕居民健康素养水平提升，开展健康知识进社区、进学校、进企业活动，制作发放健康教育资料，"
            "培训乡镇卫生院和村卫生室健康教育人员，并按国家监测方案完成居民健康素养监测入户调查。"
            "{year}年计划开展健康讲座{n0}场，入户调查{n1}户。",
        ],
        basis=[
            (2016, "《“健康中国2030”规划纲要》"),
            (2019, "国务院关于实施健康中国行动的意见（国发〔2019〕13号）"),
            (2019, "《国家基本公共卫生服务规范（第三版）》"),
            (2020, "关于印发《全国健康素养监测方案》的通知（国卫办宣传函〔2020〕168号）"),
            (2021, "临溪县卫生健康局关于印发《临溪县健康促进县建设实施方案》的通知（临卫健发〔2021〕9号）"),
        ],
        necessity=[
            "我县居民健康素养水平低于全省平均水平，慢性病防治、传染病预防和安全急救素养尤为薄弱；"
            "农村老年人获取健康信息渠道有限。通过系统的健康教育和规范监测，才能掌握底数、精准干预，"
            "完成健康促进县建设考核指标。",
        ],
        measures=[
            "中心制定年度工作方案，明确各乡镇任务分工；健康教育资料经专家审核后统一印制；"
            "入户调查员经培训考核合格后上岗，调查问卷实行双录入和10%复核；项目资金实行国库集中支付，"
            "按季度报送进度，年底对照绩效目标开展总结评估。",
        ],
        plan=[(3, 15), (6, 50), (9, 80), (11, 100)],
        goals=[
            "全年开展健康讲座和咨询活动，完成居民健康素养监测任务，监测问卷合格率达到95%以上，"
            "全县居民健康素养水平较上年提高2个百分点。",
        ],
        budgets={2020: 356000, 2021: 382000, 2022: 405000, 2023: 398000, 2024: 420000},
        exec_ratio={2020: 0.99, 2021: 0.96, 2022: 0.975, 2023: 0.988, 2024: 0.98},
        rows=[
            ("产出", "数量", "健康知识讲座及咨询活动场次", "≥{}场", [120, 130, 140, 150]),
            ("产出", "数量", "健康素养监测入户调查户数", "≥{}户", [960, 960, 1200, 1200]),
            ("产出", "数量", "基层健康教育人员培训人次", "≥{}人次", [300, 320, 320, 350]),
            ("产出", "质量", "监测调查问卷合格率", "≥95%", None),
            ("产出", "时效", "监测数据上报时间", "10月31日前", None),
            ("成本", "经济成本", "每户调查经费", "≤{}元", [60, 60, 58, 58]),
            ("效益", "社会效益", "居民健康素养水平较上年提高值", "≥2个百分点", None),
            ("效益", "社会效益", "老年人、慢性病患者等重点人群核心健康知识知晓率", "≥80%", None),
            ("满意度", "满意度", "活动参与居民满意度", "≥90%", None),
        ],
        problems="入户调查拒访率偏高，部分调查点需多次补访；健康讲座形式较单一，青年人群参与少。",
        improvements="调查前由村（居）委会提前告知；增加短视频和新媒体宣传，开展企业职工专场活动。",
    ),
    "environment": dict(
        field="environment",
        unit="青峰市生态环境监测站",
        department="青峰市生态环境局",
        name="重点排污单位监督性监测",
        category="经常性项目",
        manager="林海涛",
        phone="0598-3356xxxx",
        overview=[
            "按照重点排污单位名录，对全市废水、废气重点排污单位开展监督性监测，对污水处理厂出水开展按月监测，"
            "对自动监测设备开展比对监测，并对群众反映强烈的噪声、异味问题开展应急监测。"
            "{year}年计划监测重点排污单位{n0}家次，完成比对监测{n1}台套。",
        ],
        basis=[
            (2015, "《中华人民共和国环境保护法》"),
            (2018, "《排污许可管理条例》"),
            (2019, "关于印发《生态环境监测规划纲要（2020—2035年）》的通知（环监测〔2019〕86号）"),
            (2020, "关于加强污染源自动监测设备比对监测工作的通知（青环发〔2020〕22号）"),
            (2022, "青峰市生态环境局关于印发年度生态环境监测方案的通知（青环监〔2022〕3号）"),
        ],
        necessity=[
            "监督性监测是排污许可执法和环境质量改善的数据基础。我市工业园区集中，部分企业治污设施运行不稳定，"
            "自动监测数据存在偏差，需通过独立、规范的手工监测进行核查，为执法提供依据。",
        ],
        measures=[
            "监测站严格执行质量管理体系，采样、分析全过程留痕；监测任务按月分解到科室，"
            "超标数据在24小时内报告市生态环境局执法支队；外委分析项目通过政府采购确定承担单位，"
            "资金按监测任务量据实结算。",
        ],
        plan=[(3, 20), (6, 45), (9, 70), (12, 100)],
        goals=[
            "全年完成重点排污单位监督性监测和比对监测任务，监测数据有效率达到98%以上，"
            "超标数据报送及时率100%，为排污许可执法提供数据支撑。",
        ],
        budgets={2020: 880000, 2021: 912000, 2022: 958000, 2023: 940000, 2024: 975000},
        exec_ratio={2020: 0.992, 2021: 0.981, 2022: 0.969, 2023: 0.995, 2024: 0.98},
        rows=[
            ("产出", "数量", "重点排污单位监督性监测家次", "≥{}家次", [260, 280, 300, 300]),
            ("产出", "数量", "重点排污单位污染源自动监测设备手工比对监测台套数", "≥{}台套", [150, 160, 170, 180]),
            ("产出", "数量", "污水处理厂出水监测频次", "≥12次/年", None),
            ("产出", "质量", "监测数据有效率", "≥98%", None),
            ("产出", "质量", "平行样及质控样合格率", "≥95%", None),
            ("产出", "时效", "超标数据报送时限", "≤24小时", None),
            ("成本", "经济成本", "单家次监测平均成本", "≤{}元", [2800, 2750, 2700, 2700]),
            ("效益", "生态效益", "重点排污单位达标排放率", "≥95%", None),
            ("效益", "社会效益", "监测数据用于执法案件数", "≥{}件", [20, 25, 25, 30]),
            ("满意度", "满意度", "执法部门对监测服务满意度", "≥90%", None),
        ],
        problems="夏季监测任务集中，采样人员和车辆紧张；个别企业排污口规范化程度低，影响采样。",
        improvements="将部分常规监测任务前移至二季度；联合执法支队督促企业完成排污口规范化整治。",
    ),
    "agriculture": dict(
        field="agriculture",
        unit="南陌县农业技术推广中心",
        department="南陌县农业农村局",
        name="农作物病虫害绿色防控示范",
        category="专项业务类",
        manager="赵丰年",
        phone="0377-6218xxxx",
        overview=[
            "在水稻、小麦主产乡镇建设病虫害绿色防控示范区，推广性诱捕、杀虫灯、生物农药和统防统治等技术，"
            "开展病虫害监测预报，培训种植大户和植保服务组织。{year}年建设示范区{n0}个，"
            "示范面积{n1}亩。",
        ],
        basis=[
            (2016, "《农作物病虫害防治条例》"),
            (2017, "《农药管理条例》"),
            (2022, "关于印发《到2025年化学农药减量化行动方案》的通知（农农发〔2022〕8号）"),
            (2021, "南陌县农业农村局关于印发《南陌县农作物病虫害绿色防控示范区建设方案》的通知（南农〔2021〕18号）"),
        ],
        necessity=[
            "我县粮食作物常年病虫害发生面积大，农户用药习惯粗放，化学农药使用强度高于全省平均水平。"
            "建设绿色防控示范区，以点带面推广减药技术，既保障粮食生产安全，又减少农业面源污染。",
        ],
        measures=[
            "中心与示范区所在乡镇签订目标责任书，物资采购通过县公共资源交易中心公开招标；"
            "技术人员分片包干，关键农时驻点指导；示范区设立标识牌，建立防控档案；"
            "资金按照物资到货验收和技术服务进度分期拨付。",
        ],
        plan=[(4, 30), (7, 70), (10, 95), (12, 100)],
        goals=[
            "建成病虫害绿色防控示范区并通过验收，示范区化学农药使用量较常规区减少20%以上，"
            "病虫危害损失率控制在5%以内，带动全县绿色防控覆盖率达到50%。",
        ],
        budgets={2020: 540000, 2021: 560000, 2022: 600000, 2023: 630000, 2024: 615000},
        exec_ratio={2020: 0.97, 2021: 0.993, 2022: 0.951, 2023: 0.978, 2024: 0.98},
        rows=[
            ("产出", "数量", "建设绿色防控示范区个数", "={}个", [6, 6, 8, 8]),
            ("产出", "数量", "示范区面积", "≥{}亩", [12000, 12000, 15000, 16000]),
            ("产出", "数量", "培训种植大户及植保人员人次", "≥{}人次", [500, 520, 600, 600]),
            ("产出", "质量", "示范区建设验收合格率", "=100%", None),
            ("产出", "时效", "防控物资发放到位时间", "5月底前", None),
            ("成本", "经济成本", "每亩防控物资补助标准", "≤{}元", [30, 30, 28, 28]),
            ("效益", "经济效益", "示范区亩均节本增收", "≥{}元", [80, 85, 90, 90]),
            ("效益", "生态效益", "示范区化学农药使用量较常规防治区减少比例", "≥20%", None),
            ("效益", "社会效益", "病虫危害损失率", "≤5%", None),
            ("满意度", "满意度", "示范区农户满意度", "≥90%", None),
        ],
        problems="部分物资到货时间晚于最佳防治时期；少数农户对生物农药见效慢存在疑虑。",
        improvements="物资采购提前至上年12月启动；在示范区设置对比田，用数据展示防控效果。",
    ),
    "culture": dict(
        field="culture",
        unit="云梦区文化馆",
        department="云梦区文化和旅游局",
        name="公共文化惠民演出进社区",
        category="经常性项目",
        manager="孙雅琴",
        phone="0731-8456xxxx",
        overview=[
            "组织区内专业院团和群众文艺团队，在社区、广场、敬老院、学校开展文艺演出、非遗展示和公益培训，"
            "全年配送演出{n0}场，公益艺术培训{n1}课时，打造“月月有演出、周周有活动”的基层文化服务品牌。",
        ],
        basis=[
            (2017, "《中华人民共和国公共文化服务保障法》"),
            (2021, "关于印发《“十四五”公共文化服务体系建设规划》的通知（文旅公共发〔2021〕64号）"),
            (2020, "云梦区人民政府关于印发《云梦区基本公共文化服务实施标准》的通知（云政发〔2020〕31号）"),
        ],
        necessity=[
            "随着老旧小区改造和新建住宅区入住，居民对家门口文化活动的需求明显增加，"
            "而社区文化设施和专业指导力量不足。由文化馆统一组织配送演出和培训，可盘活文艺资源，"
            "落实基本公共文化服务实施标准。",
        ],
        measures=[
            "文化馆通过政府采购确定演出承接团队，建立节目审核和安全预案制度；每场演出由社区签字确认，"
            "现场拍照留档；按季度开展群众满意度问卷调查；资金按演出场次和课时据实结算。",
        ],
        plan=[(3, 20), (6, 50), (9, 75), (12, 100)],
        goals=[
            "全年完成惠民演出配送和公益艺术培训，覆盖全区所有街道和社区，观众人次较上年增长10%，"
            "群众满意度达到90%以上，培育社区特色文艺团队10支。",
        ],
        budgets={2020: 450000, 2021: 470000, 2022: 495000, 2023: 520000, 2024: 535000},
        exec_ratio={2020: 0.99, 2021: 0.985, 2022: 0.97, 2023: 0.962, 2024: 0.98},
        rows=[
            ("产出", "数量", "惠民演出配送场次", "≥{}场", [120, 130, 140, 150]),
            ("产出", "数量", "公益艺术培训课时", "≥{}课时", [400, 420, 450, 480]),
            ("产出", "数量", "社区覆盖率", "=100%", None),
            ("产出", "质量", "节目审核通过率", "=100%", None),
            ("产出", "时效", "惠民演出节目单通过公众号及社区公告栏提前公布时间", "≥7天", None),
            ("成本", "经济成本", "单场演出平均成本", "≤{}元", [2600, 2600, 2500, 2500]),
            ("效益", "社会效益", "观众人次", "≥{}万人次", [3.5, 3.8, 4.2, 4.5]),
            ("效益", "可持续影响", "培育社区特色文艺团队数", "≥10支", None),
            ("满意度", "满意度", "社区居民满意度", "≥90%", None),
        ],
        problems="雨季户外演出改期较多；部分社区场地条件有限，影响演出效果。",
        improvements="每季度预留室内备用场地；与街道共建固定演出点，改善音响和灯光条件。",
    ),
    # Shanghai 2016–2020 市级 layout (投入与管理 / 产出 / 效果 / 影响力)
    "sh_sorting": dict(
        field="environment",
        unit="上海市浦汇区绿化和市容管理所",
        department="上海市浦汇区绿化和市容管理局",
        name="生活垃圾分类实效督导",
        category="其他一次性项目",
        overview=[
            "1、聘请第三方督导队伍，对全区居住区生活垃圾分类投放点开展定时定点督导；2、对单位、商铺分类实效"
            "开展月度检查和通报；3、组织分类志愿者培训；4、开展湿垃圾纯净度抽检。",
        ],
        basis=[
            (2016, "《上海市市容环境卫生管理条例》"),
            (2019, "《上海市生活垃圾管理条例》"),
            (2018, "关于建立完善本市生活垃圾全程分类体系的实施方案（沪府办〔2018〕3号）"),
            (2019, "关于印发《浦汇区生活垃圾分类实效综合考评办法》的通知（浦绿容〔2019〕21号）"),
        ],
        necessity=[
            "《上海市生活垃圾管理条例》施行后，居民分类习惯尚未完全养成，部分投放点混投现象反复。"
            "持续开展实效督导和检查通报，是巩固分类成效、完成市级考评任务的必要手段。",
        ],
        measures=[
            "管理所制定督导工作方案，督导队伍通过公开招标确定；督导人员持证上岗，每日填报督导日志；"
            "月度检查结果在区级平台通报，并纳入街镇考核；资金按月考核后支付。",
        ],
        plan=[(6, 40), (10, 80), (11, 100)],
        goals=[
            "预期总目标：居住区生活垃圾分类达标率稳定在95%以上，湿垃圾纯净度达到90%。"
            "阶段性目标：完成全年督导和月度检查，形成12期检查通报。",
        ],
        budgets={2018: 1500000, 2019: 1620000, 2020: 1580000},
        exec_ratio={2018: 0.98, 2019: 0.99, 2020: 0.97},
        rows=[
            ("投入与管理", "投入管理", "资金到位率", "=100%", None),
            ("产出", "数量", "督导覆盖居住区投放点数", "≥{}个", [1100, 1150]),
            ("产出", "数量", "分类实效检查通报期数", "=12期", None),
            ("产出", "数量", "分类志愿者培训人次", "≥{}人次", [2000, 2400]),
            ("产出", "质量", "湿垃圾纯净度抽检达标率", "≥90%", None),
            ("产出", "时效", "月度检查通报发布时间", "次月10日前", None),
            ("效益", "社会效益", "通过督导和月度检查通报，全区居住区生活垃圾分类达标率", "≥95%", None),
            ("效益", "生态效益", "干垃圾日均处置量下降比例", "≥5%", None),
            ("满意度", "满意度", "居民满意度", "≥90%", None),
            ("影响力", "长效管理", "分类督导长效机制运行情况", "通过年度考评", None),
        ],
    ),
    "sh_dust": dict(
        field="environment",
        unit="上海市浦汇区绿化和市容管理所",
        department="上海市浦汇区绿化和市容管理局",
        name="道路扬尘与渣土运输巡查",
        category="其他一次性项目",
        overview=[
            "1、对全区主次干道开展扬尘污染巡查；2、对渣土运输车辆密闭、冲洗情况开展夜间联合检查；"
            "3、对巡查发现问题建立台账并督促整改；4、编制季度扬尘管控分析报告。",
        ],
        basis=[
            (2016, "《上海市大气污染防治条例》"),
            (2017, "《上海市建筑垃圾处理管理规定》（沪府令第57号）"),
            (2018, "关于进一步加强本市渣土运输管理的通知（沪绿容〔2018〕114号）"),
        ],
        necessity=[
            "我区在建工地和拆除工地数量较多，渣土运输车辆夜间通行集中，道路扬尘是PM10的重要来源。"
            "开展常态化巡查，是落实大气污染防治责任的重要措施。",
        ],
        measures=[
            "管理所组建巡查组，制定巡查路线和频次；夜间检查与公安、城管联合开展；"
            "问题台账实行销项管理；巡查服务通过政府采购委托，资金按季度考核支付。",
        ],
        plan=[(6, 40), (10, 80), (11, 100)],
        goals=[
            "预期总目标：主次干道扬尘问题发现后及时整改，渣土运输车辆密闭率达到98%。"
            "阶段性目标：完成全年巡查任务，形成4期季度分析报告。",
        ],
        budgets={2018: 720000, 2019: 760000, 2020: 745000},
        exec_ratio={2018: 0.99, 2019: 0.975, 2020: 0.98},
        rows=[
            ("投入与管理", "投入管理", "资金到位率", "=100%", None),
            ("产出", "数量", "道路扬尘巡查里程", "≥{}公里", [18000, 19000]),
            ("产出", "数量", "渣土运输夜间联合检查次数", "≥{}次", [96, 104]),
            ("产出", "质量", "巡查问题整改销项率", "≥95%", None),
            ("产出", "时效", "扬尘问题整改时限", "≤48小时", None),
            ("效益", "生态效益", "渣土运输车辆密闭率", "≥98%", None),
            ("效益", "社会效益", "扬尘类市民投诉下降比例", "≥10%", None),
            ("满意度", "满意度", "沿线居民满意度", "≥90%", None),
            ("影响力", "长效管理", "扬尘巡查问题台账管理制度执行情况", "通过年度考评", None),
        ],
    ),
}
MAIN_YEARS = (2021, 2022, 2023, 2024)
SH_YEARS = (2019, 2020)

# --- defects: rule id -> what changes in the filing ----------------------------------


def _find(rows: list[Row], l2: str) -> Optional[int]:
    return next((i for i, r in enumerate(rows) if r.l2 == l2), None)


def _last(rows: list[Row], l2: str) -> int:
    idx = [i for i, r in enumerate(rows) if r.l2 == l2]
    return idx[-1] if idx else len(rows) - 1


def apply_defects(spec: dict, p: ProjectDoc, defects: list[str], basis: list[str], goals: list[str]) -> None:
    """Mutate a built project so it carries the given rule violations (rules.md ids)."""
    rows = p.rows
    for d in defects:
        if d == "V-01":  # bare value without comparator
            i = _find(rows, "数量")
            rows[i].value = re.sub(r"^[≥≤=<>]+", "", rows[i].value)
        elif d == "V-03":  # ASCII comparators
            for r in rows:
                r.value = r.value.replace("≥", ">=").replace("≤", "<=")
        elif d == "C-01":  # a 合格率 under 时效
            rows.insert(_last(rows, "时效") + 1, Row(rows[_find(rows, "时效")].l1, "时效", "培训考核合格率", "≥95%"))
        elif d == "C-02":  # deliverable counts under 质量
            i = _last(rows, "质量") + 1
            rows.insert(i, Row("产出", "质量", "年度工作总结报告", "=1份"))
        elif d == "C-03":  # a 合格率 under 满意度
            i = _last(rows, "满意度") + 1
            rows.insert(i, Row("满意度", "满意度", "服务质量抽查合格率", "=100%"))
        elif d == "S-05":  # empty template rows
            i = _last(rows, "时效") + 1
            rows.insert(i, Row(rows[i - 1].l1, "时效", "指标2：", "", empty=True))
            rows.insert(i + 1, Row(rows[i - 1].l1, "时效", "……", "", empty=True))
        elif d == "V-04":  # ungraded qualitative value
            i = next(i for i, r in enumerate(rows) if r.l1 == "效益")
            rows[i].value = "提高"
        elif d == "M-01":  # satisfaction = 100%
            i = _find(rows, "满意度")
            rows[i].value = "=100%"
        elif d == "L-02":  # wrong brackets in document numbers
            for k, item in enumerate(basis):
                basis[k] = item.replace("〔", "【" if k % 2 == 0 else "[").replace("〕", "】" if k % 2 == 0 else "]")
        elif d == "L-01":  # a basis item with neither title nor number
            basis.append(f"{p.department}年度工作要点")
        elif d == "G-01":  # goals without any measurable element
            goals[:] = ["进一步规范项目管理，提高服务水平，加强工作落实，提升整体工作成效。"]
        elif d == "B-03":  # spending plan not monotonic and not ending at 100%
            pass  # handled where the plan is written
        elif d in ("E-01", "E-04", "E-06"):
            pass  # self-evaluation scoring, handled in build_self_evaluation
        else:
            raise ValueError(f"unknown defect {d}")


# --- building filings ----------------------------------------------------------------------


def _fmt_yuan(x: float) -> str:
    return f"{int(round(x)):,}"


def _fmt_wan(x: float) -> str:
    return f"{x / 10000:.2f}"


def _fill(value: str, nums: Optional[list], idx: int) -> str:
    if nums is None:
        return value
    n = nums[min(idx, len(nums) - 1)]
    return value.replace("{}", f"{n:g}" if isinstance(n, float) else str(n))


def _rows_for(spec: dict, year_idx: int, layout: str) -> list[Row]:
    rows = []
    for l1, l2, name, value, nums in spec["rows"]:
        if l1 == "成本" and layout == "national":
            l1, l2 = "产出", "成本"
        rows.append(Row(l1, l2, name, _fill(value, nums, year_idx)))
    if layout == "y2021":  # 成本指标 first, as the 2021 form orders it
        rows.sort(key=lambda r: 0 if r.l1 == "成本" else 1)
    return rows


def executed(spec: dict, year: int) -> float:
    return round(spec["budgets"][year] * spec["exec_ratio"][year], -2)


def build_target(key: str, year: int, defects: list[str], label_style: int = 0) -> ProjectDoc:
    """One project's 绩效目标表 for a year, with deliberate defects applied."""
    spec = PROJECTS[key]
    years = SH_YEARS if key.startswith("sh_") else MAIN_YEARS
    idx = years.index(year)
    layout = "shanghai" if key.startswith("sh_") else ("national" if year <= 2021 else "y2021")
    nums = {f"n{k}": _fill(v, n, idx) for k, (_, _, _, v, n) in enumerate(spec["rows"][:4])}
    nums = {k: re.sub(r"[^\d.]", "", v) for k, v in nums.items()}
    p = ProjectDoc(
        unit=spec["unit"],
        name=spec["name"],
        category=spec["category"],
        start=f"{year}-01-01",
        end=f"{year}-12-31",
        department=spec["department"] if layout != "shanghai" and label_style == 0 else "",
        implementer=spec["unit"],
        manager=spec.get("manager", "") if year >= 2023 else "",
        phone=spec.get("phone", ""),
        layout=layout,
        label_style=label_style,
    )
    p.rows = _rows_for(spec, idx, layout)
    basis = [item for since, item in spec["basis"] if since <= year]
    goals = [g.format(year=year, **nums) for g in spec["goals"]]
    apply_defects(spec, p, defects, basis, goals)
    plan = list(spec["plan"])
    if "B-03" in defects:
        plan = [(m, pct) for m, pct in plan[:-1]] + [(plan[-1][0], plan[-2][1] - 10)]
    plan_text = [f"（{k}）1-{m}月，完成{pct}%" for k, (m, pct) in enumerate(plan, start=1)]
    plan_text[0] = "资金使用计划为：" + plan_text[0]
    basis_text = [f"{k}、{item}" for k, item in enumerate(basis, start=1)]
    p.sections = [
        ("项目概况", [o.format(year=year, **nums) for o in spec["overview"]]),
        ("立项依据", basis_text),
        ("项目设立的必要性", spec["necessity"]),
        ("保证项目实施的制度、措施", spec["measures"]),
        ("项目实施计划", plan_text),
        ("总目标及阶段性目标", goals),
    ]
    current = spec["budgets"][year]
    prior = spec["budgets"][year - 1]
    p.money = [
        [("项目总预算", _fmt_yuan(current)), ("项目当年预算", _fmt_yuan(current))],
        [("同名项目上年预算额", _fmt_yuan(prior)), ("同名项目上年预算执行数", _fmt_yuan(executed(spec, year - 1)))],
    ]
    if year >= 2022:
        carry = round(prior - executed(spec, year - 1), -2) if year % 2 == 0 else 0
        p.money.append(
            [("其中：财政拨款", _fmt_yuan(current - carry)), ("上年结转", _fmt_yuan(carry)), ("其他资金", "0")]
        )
    return p


_GRADES = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))


def grade_for(score: float) -> str:
    return next(g for floor, g in _GRADES if score >= floor)


def _actual(value: str, short: bool) -> tuple[str, float]:
    """An actual result for a target, and the completion ratio used for scoring."""
    m = re.match(r"^(≥|≤|=|>=|<=)?(\d+(?:\.\d+)?)(.*)$", value)
    if not m:
        return ("已完成" if value else "", 1.0)
    comp, num, unit = m.group(1) or "", float(m.group(2)), m.group(3)
    if num == 0:
        return f"0{unit}", 1.0
    if comp in ("≤", "<="):
        got = num * (1.15 if short else 0.92)
        ratio = min(num / got, 1.0)
    else:
        if unit == "%" and num >= 100:
            got = 96.0 if short else 100.0
        elif unit == "%":
            got = num - 4 if short else min(num + 3, 100)
        else:
            got = num * (0.88 if short else 1.06)
        ratio = min(got / num, 1.0)
    if unit in ("%",) or "." in m.group(2):
        text = f"{got:.1f}{unit}"
    else:
        text = f"{int(round(got))}{unit}"
    return text, ratio


def build_self_evaluation(key: str, year: int, defects: list[str]) -> ProjectDoc:
    """A per-project 项目支出绩效自评表 for a year (weights 50/30/10 + 10 for execution)."""
    spec = PROJECTS[key]
    p = build_target(key, year, [d for d in defects if d in ("V-01", "M-01", "C-02", "C-01", "V-04")])
    p.department = spec["department"]
    p.implementer = spec["unit"]
    rows = [r for r in p.rows]
    group_weights = {"产出": 50.0, "成本": 0.0, "效益": 30.0, "满意度": 10.0}
    if any(r.l1 == "成本" for r in rows):
        group_weights = {"产出": 40.0, "成本": 10.0, "效益": 30.0, "满意度": 10.0}
    if "E-01" in defects:
        group_weights["效益"] = 25.0  # weights then sum to 95
    total = 0.0
    short_name = rows[1].name  # one shortfall per table, explained in the deviation column
    for l1, gw in group_weights.items():
        members = [r for r in rows if r.l1 == l1]
        if not members:
            continue
        base = gw / len(members)
        weights = [round(base * 2) / 2 for _ in members]
        weights[0] += gw - sum(weights)
        for r, w in zip(members, weights):
            short = r.name == short_name
            r.actual, ratio = _actual(r.value, short)
            r.weight = w
            r.score = round(w * ratio, 1)
            if short:
                r.deviation = "受施工进度及天气影响，部分任务顺延至次年一季度完成；已调整工作计划。"
                if "E-06" in defects:
                    r.deviation = ""
            else:
                r.deviation = "无"
            total += r.score
    budget = spec["budgets"][year]
    spent = executed(spec, year)
    rate = spent / budget
    p.funds = [
        ("年度资金总额", _fmt_wan(budget), _fmt_wan(budget), _fmt_wan(spent)),
        ("其中：当年财政拨款", _fmt_wan(budget), _fmt_wan(budget), _fmt_wan(spent)),
        ("上年结转资金", "0.00", "0.00", "0.00"),
        ("其他资金", "0.00", "0.00", "0.00"),
    ]
    p.exec_rate = f"{rate * 100:.1f}%"
    p.exec_score = round(10 * rate, 2)
    total = round(total + p.exec_score, 1)
    p.total_score = total
    p.grade = grade_for(total)
    if "E-04" in defects:
        p.grade = {"优": "良", "良": "优", "中": "良", "差": "中"}[p.grade]
    goal = " ".join(" ".join(paras) for heading, paras in p.sections if heading == "总目标及阶段性目标")
    p.goal_target = goal
    p.goal_actual = (
        f"全年项目资金执行{_fmt_wan(spent)}万元，执行率{p.exec_rate}。年度主要任务基本完成，"
        f"其中“{short_name}”未达到年度指标值，其余指标均已完成。"
    )
    p.problems = spec["problems"]
    p.improvements = spec["improvements"]
    p.sections, p.money = [], []
    return p


# --- the sample ------------------------------------------------------------------
# (file stem, kind, project keys, year, shape, encoding, defects, label style)

SAMPLE_FILES: list[tuple] = [
    # construction supervision 2021–2024
    ("tt_construction_2021_pdf", "target_table", ["construction"], 2021, "pdf_txt", "utf-8", ["L-02", "V-03", "C-02"], 0),
    ("tt_construction_2022_tsv", "target_table", ["construction"], 2022, "tsv", "utf-8", [], 0),
    ("tt_construction_2023_docx", "target_table", ["construction"], 2023, "docx", None, ["V-01"], 1),
    ("tt_construction_2024_pipe", "target_table", ["construction"], 2024, "pipe", "utf-8", [], 0),
    # education
    ("tt_education_2021_word", "target_table", ["education"], 2021, "word_txt", "utf-8", ["S-05", "V-04"], 0),
    ("tt_education_2022_xlsx", "target_table", ["education"], 2022, "xlsx", None, [], 0),
    ("tt_education_2023_pdf_gb18030", "target_table", ["education"], 2023, "pdf_txt", "gb18030", [], 1),
    ("tt_education_2024_docx", "target_table", ["education"], 2024, "docx", None, ["M-01"], 0),
    # health
    ("tt_health_2021_pdf", "target_table", ["health"], 2021, "pdf", None, [], 1),
    ("tt_health_2022_docx", "target_table", ["health"], 2022, "docx", None, ["L-02", "L-01"], 0),
    ("tt_health_2023_word", "target_table", ["health"], 2023, "word_txt", "utf-8", [], 0),
    ("tt_health_2024_tsv", "target_table", ["health"], 2024, "tsv", "utf-8", ["C-01"], 0),
    # environment
    ("tt_environment_2021_xlsx", "target_table", ["environment"], 2021, "xlsx", None, ["V-04"], 0),
    ("tt_environment_2022_pdf_bom", "target_table", ["environment"], 2022, "pdf_txt", "utf-8-sig", [], 0),
    ("tt_environment_2023_docx", "target_table", ["environment"], 2023, "docx", None, [], 0),
    ("tt_environment_2024_word", "target_table", ["environment"], 2024, "word_txt", "utf-8", ["S-05", "G-01"], 1),
    # agriculture
    ("tt_agriculture_2021_tsv", "target_table", ["agriculture"], 2021, "tsv", "utf-8", [], 0),
    ("tt_agriculture_2022_word_gb18030", "target_table", ["agriculture"], 2022, "word_txt", "gb18030", ["C-02", "V-01"], 0),
    ("tt_agriculture_2023_pipe", "target_table", ["agriculture"], 2023, "pipe", "utf-8", ["B-03"], 0),
    ("tt_agriculture_2024_xlsx", "target_table", ["agriculture"], 2024, "xlsx", None, [], 1),
    # culture
    ("tt_culture_2021_docx", "target_table", ["culture"], 2021, "docx", None, [], 0),
    ("tt_culture_2022_pipe", "target_table", ["culture"], 2022, "pipe", "utf-8", ["M-01", "V-04"], 0),
    ("tt_culture_2023_pdf", "target_table", ["culture"], 2023, "pdf_txt", "utf-8", [], 0),
    ("tt_culture_2024_tsv_bom", "target_table", ["culture"], 2024, "tsv", "utf-8-sig", ["C-03"], 0),
    # Shanghai 2016–2020 layout
    ("tt_sh_2019_pdf_two_projects", "target_table", ["sh_sorting", "sh_dust"], 2019, "pdf_txt", "utf-8",
     ["L-02", "V-03", "C-02"], 0),
    ("tt_sh_sorting_2020_word", "target_table", ["sh_sorting"], 2020, "word_txt", "utf-8", [], 0),
    ("tt_sh_dust_2020_xlsx", "target_table", ["sh_dust"], 2020, "xlsx", None, ["V-04"], 0),
    # per-project self-evaluations
    ("zp_construction_2022_word", "self_evaluation", ["construction"], 2022, "word_txt", "utf-8", [], 0),
    ("zp_education_2022_docx", "self_evaluation", ["education"], 2022, "docx", None, ["E-04"], 0),
    ("zp_health_2023_xlsx", "self_evaluation", ["health"], 2023, "xlsx", None, [], 0),
    ("zp_environment_2023_tsv", "self_evaluation", ["environment"], 2023, "tsv", "utf-8", ["E-01"], 0),
    ("zp_agriculture_2022_pipe", "self_evaluation", ["agriculture"], 2022, "pipe", "utf-8", [], 0),
    ("zp_culture_2023_docx", "self_evaluation", ["culture"], 2023, "docx", None, ["M-01", "E-06"], 0),
    ("zp_education_2023_pipe", "self_evaluation", ["education"], 2023, "pipe", "gb18030", ["E-04", "E-01"], 0),
]

_TITLES = {
    "national": "项目支出绩效目标申报表",
    "y2021": "项目支出绩效目标表",
    "shanghai": "财政项目支出绩效目标表",
}


def build_filing(kind: str, keys: list[str], year: int, defects: list[str], style: int = 0) -> FilingDoc:
    if kind == "self_evaluation":
        projects = [build_self_evaluation(k, year, defects) for k in keys]
        return FilingDoc(kind=kind, year=year, title="项目支出绩效自评表", projects=projects)
    projects = [build_target(k, year, defects, style) for k in keys]
    return FilingDoc(kind=kind, year=year, title=_TITLES[projects[0].layout], projects=projects)


def _shape_label(shape: str, encoding: Optional[str]) -> str:
    letter = {"pdf": "h", "pdf_txt": "a", "word_txt": "b", "tsv": "c", "pipe": "d", "docx": "e", "xlsx": "f"}[shape]
    if encoding in ("gb18030", "utf-8-sig"):
        letter += "+g"
    return letter


def write_sample(out_dir: Path = SAMPLE_DIR) -> list[dict]:
    """(Re)write every sample file and MANIFEST.json; returns the manifest entries."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = []
    for stem, kind, keys, year, shape, encoding, defects, style in SAMPLE_FILES:
        doc = build_filing(kind, keys, year, defects, style)
        rng = random.Random(stem)
        data = render(doc, shape, rng, encoding=encoding or "utf-8", fast=False)
        name = stem + EXT[shape]
        (out_dir / name).write_bytes(data)
        entry = {
            "file": name,
            "kind": kind,
            "shape": shape,
            "shape_code": _shape_label(shape, encoding),
            "encoding": encoding,
            "layout": doc.projects[0].layout,
            "field": PROJECTS[keys[0]]["field"],
            "unit": doc.projects[0].unit,
            "department": PROJECTS[keys[0]]["department"],
            "year": year,
            "projects": [p.name for p in doc.projects],
            "indicator_rows": [len(p.rows) for p in doc.projects],
            "defects": sorted(defects),
            "indicators": [expected_rows(p) for p in doc.projects],
        }
        if kind == "self_evaluation":
            p = doc.projects[0]
            entry["unit"] = p.implementer
            entry["score"] = p.total_score
            entry["grade"] = p.grade
            entry["weights"] = [r.weight for r in p.rows]
        else:
            p = doc.projects[0]
            entry["budget"] = {
                "current_year": _parse_amount(p.money[0][1][1]),
                "prior_year_budget": _parse_amount(p.money[1][0][1]),
                "prior_year_executed": _parse_amount(p.money[1][1][1]),
            }
        if entry["layout"] == "shanghai":
            entry["defects"] = sorted(set(entry["defects"]) | {"S-04"})  # the template's 投入与管理 row
        manifest.append(entry)
    (out_dir / "MANIFEST.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def _parse_amount(text: str) -> float:
    return float(text.replace(",", ""))


# --- random filings for synth -----------------------------------------------------------

_PLACES = ("东澜", "西岭", "北塘", "南屿", "清河", "望江", "石桥", "松原", "白沙", "枫林", "金水", "兰亭")
_LEVELS = ("区", "县", "市")
_RANDOM_DEFECTS = ("V-01", "V-03", "C-01", "C-02", "S-05", "V-04", "M-01", "L-02", "L-01", "G-01", "B-03")


def random_filing(rng: random.Random, i: int, shape: str = "tsv") -> FilingDoc:
    """A fictional filing: a sample project moved to a random place, year and defect set."""
    main = [k for k in PROJECTS if not k.startswith("sh_")]
    key = main[rng.randrange(len(main))] if i % 9 else ("sh_sorting", "sh_dust")[rng.randrange(2)]
    spec = PROJECTS[key]
    place = _PLACES[rng.randrange(len(_PLACES))] + _LEVELS[rng.randrange(3)]
    years = SH_YEARS if key.startswith("sh_") else MAIN_YEARS
    year = years[rng.randrange(len(years))]
    defects = [d for d in _RANDOM_DEFECTS if rng.random() < 0.12 and not (d == "S-05" and shape == "pdf_txt")]
    kind = "target_table"
    if i % 5 == 4 and not key.startswith("sh_") and shape != "pdf_txt":
        kind = "self_evaluation"  # per-project 自评表 come as tables (Word, Excel, web), not as PDF text
    if kind == "self_evaluation":
        defects = [d for d in defects if d in ("V-01", "M-01", "C-02", "C-01", "V-04")]
        defects += [d for d in ("E-01", "E-04", "E-06") if rng.random() < 0.15]
    doc = build_filing(kind, [key], year, defects, style=rng.randrange(2))
    for p in doc.projects:
        old = re.match(r"^(上海市)?(.+?[区县市])", p.unit).group(0)
        p.unit = p.unit.replace(old, place, 1)
        p.implementer = p.implementer.replace(old, place, 1)
        p.department = p.department.replace(old, place, 1)
        scale = 0.6 + rng.random() * 0.8
        for r in p.rows if kind == "target_table" else []:
            r.value = re.sub(r"(?<=[≥≤=])(\d{3,})", lambda m: str(int(int(m.group(1)) * scale)), r.value)
    return doc


if __name__ == "__main__":
    entries = write_sample()
    print(f"wrote {len(entries)} files to {SAMPLE_DIR}")
