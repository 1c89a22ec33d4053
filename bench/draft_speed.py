"""Time a rollover, a new-project draft and a self-evaluation draft on the sample corpus (goal: each < 2 s).

Usage: python bench/draft_speed.py   (builds a throwaway home with the sample corpus + seeds)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


SELF_EVAL_ACTUALS = {"根据工作安排，专项检查数": "5个", "根据工作安排，检查项目数": "108个", "形成施工现场材料检测报告数": "150份",
                     "相关小结在检查结束后形成时间": "50天", "群众满意度": "95%", "通过发布抽检结果": "达成"}


def main() -> None:
    from tests.draft_support import corpus_home
    from assistant.drafting.new_project import NewProjectSpec, new_project
    from assistant.drafting.rollover import rollover
    from assistant.drafting.self_evaluation import self_evaluation
    from corpus.store import CorpusStore

    home = corpus_home(Path(tempfile.mkdtemp(prefix="draft_bench_")))
    spec = NewProjectSpec(name="建筑工地质量安全巡查", unit="虹川区建设工程质量安全监督站", budget=1200000,
                          brief="委托第三方检测机构对在建工程开展质量安全巡查和抽检", year=2025)
    with CorpusStore(home) as store:
        for label, fn in (
            ("rollover（种子000三个项目，含检查）", lambda: rollover(store, from_id=store.find_projects("建设工程监督检测")[0][0], to_year=2021)),
            ("rollover（单个样本项目，含检查）", lambda: rollover(store, project="在建工程质量安全监督抽查")),
            ("new（新项目草稿，含检索与检查）", lambda: new_project(spec, store=store, home=home)),
            ("selfeval（种子000项目自评，19个指标，含先例与检查）", lambda: self_evaluation(
                store, project="建设工程监督检测", year=2020, actuals=SELF_EVAL_ACTUALS, executed=1480000)),
        ):
            times = []
            for _ in range(3):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
            print(f"{label}: 首次 {times[0]:.2f}s，其后 {min(times[1:]):.2f}s")


if __name__ == "__main__":
    main()
