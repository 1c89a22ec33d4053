"""Finding the target table a draft starts from: by filing id (rollover, self-evaluation) or, for a
self-evaluation, by project name and year; the errors say which --project/--from/--year to give.
"""

from __future__ import annotations

from typing import Optional

from assistant.drafting.models import DraftError
from corpus.models import Filing


def target_table_by_id(store, from_id: str, project: Optional[str], not_target: str) -> tuple[str, Filing, list[int]]:
    """(full filing id, filing, indices of its projects whose name contains `project`) of the target table `from_id`.

    `not_target` ends the message when the filing is of another kind: what the draft needs instead.
    """
    filing = store.get(from_id)
    fid = next(i for i in store.ids() if i.startswith(from_id))
    if filing.kind != "target_table":
        raise DraftError(f"文件 {from_id} 不是绩效目标表（而是 {filing.kind}）{not_target}")
    idxs = [i for i, p in enumerate(filing.projects) if not project or project in p.name]
    if not idxs:
        raise DraftError(f"文件 {from_id} 中没有名称含「{project}」的项目。用 jixiao corpus show {from_id} 查看项目名")
    return fid, filing, idxs


def pick_target(store, project: Optional[str] = None, unit: Optional[str] = None, year: Optional[int] = None,
                from_id: Optional[str] = None) -> tuple[str, Filing, int]:
    """(filing id, filing, project index) of the target table the self-evaluation reports on."""
    if from_id:
        fid, filing, idxs = target_table_by_id(store, from_id, project,
                                               "。自评要对照当年的绩效目标表，请给出目标表的编号")
        exact = [i for i in idxs if filing.projects[i].name == project]
        idxs = exact or idxs
        if len(idxs) > 1:
            names = "、".join(filing.projects[i].name for i in idxs)
            raise DraftError(f"文件 {from_id} 含{len(idxs)}个项目（{names}），自评按项目起草。请用 --project 指定其中一个")
        return fid, filing, idxs[0]
    if not project:
        raise DraftError("请用 --project 指定项目名称，或用 --from 指定目标表的文件编号")
    best: Optional[tuple[tuple, str, Filing, int]] = None
    years: set[int] = set()
    for fid, idx, name, _unit, y in store.find_projects(project, unit):
        filing = store.get(fid)
        if filing.kind != "target_table":
            continue
        years.add(y or 0)
        if year and y != year:
            continue
        key = (name == project, y or 0, fid)
        if best is None or key > best[0]:
            best = (key, fid, filing, idx)
    if best is None:
        where = f"（单位含「{unit}」）" if unit else ""
        if years and year:
            have = "、".join(str(y) for y in sorted(years) if y)
            raise DraftError(f"语料库中没有「{project}」{where}{year}年的绩效目标表（有 {have} 年的）。请检查 --year，或先入库该年目标表")
        raise DraftError(f"语料库中没有名称含「{project}」{where}的绩效目标表。自评要对照当年的目标表，请先用 jixiao ingest 入库")
    return best[1], best[2], best[3]
