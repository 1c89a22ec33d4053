"""`jixiao draft rollover` and `jixiao draft new`: draft a filing, check it, show or export it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from assistant.cli_app import app, fail

draft_app = typer.Typer(help="起草绩效目标表：按上年结转，或参照先例起草新项目。", no_args_is_help=True)
app.add_typer(draft_app, name="draft")


def _emit(draft, title: str, out: Optional[Path], as_json: bool) -> None:
    from assistant.drafting.export_docx import write_docx
    from assistant.drafting.render import render_report

    if out is not None:
        suffix = out.suffix.lower()
        if suffix == ".docx":
            write_docx(draft.filing, out)
        elif suffix == ".json":
            out.write_text(draft.filing.model_dump_json(indent=2), encoding="utf-8")
        else:
            fail(f"不支持的输出格式「{out.suffix}」。请用 .docx 或 .json 结尾的文件名")
    if as_json:
        typer.echo(draft.model_dump_json(indent=2))
    else:
        typer.echo(render_report(draft, title))
        if out is not None:
            typer.echo(f"已写出：{out}")


@draft_app.command("rollover")
def rollover_cmd(
    project: Optional[str] = typer.Option(None, "--project", help="项目名称（可写一部分）"),
    unit: Optional[str] = typer.Option(None, "--unit", help="申报单位（可写一部分）"),
    to_year: Optional[int] = typer.Option(None, "--to-year", help="新年度，默认来源年度加一"),
    from_id: Optional[str] = typer.Option(None, "--from", help="来源文件编号（不写项目名则结转其中全部项目）"),
    out: Optional[Path] = typer.Option(None, "--out", help="写出草稿：.docx（Word）或 .json（Filing JSON）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出草稿、改动清单和检查结果"),
) -> None:
    """把项目最近一年的绩效目标表结转到新年度：年度顺延、上年数填入、过时表述列出待复核，并检查草稿。"""
    from assistant.drafting.models import DraftError
    from assistant.drafting.rollover import rollover
    from assistant.home import open_store
    from corpus.errors import CorpusError

    try:
        with open_store() as store:
            draft = rollover(store, project=project, to_year=to_year, unit=unit, from_id=from_id)
    except (DraftError, CorpusError) as exc:
        fail(str(exc))
    _emit(draft, f"结转草稿：{draft.filing.year}年度（来源文件 {draft.source_filing_id}）", out, as_json)


@draft_app.command("new")
def new_cmd(
    name: str = typer.Option(..., "--name", help="新项目名称"),
    unit: str = typer.Option(..., "--unit", help="申报单位"),
    category: str = typer.Option("经常性项目", "--category", help="项目类别"),
    budget: float = typer.Option(..., "--budget", help="项目当年预算（元）"),
    brief: str = typer.Option("", "--brief", help="一两句话的项目简介，用于找相似先例"),
    year: Optional[int] = typer.Option(None, "--year", help="申报年度（默认今年）"),
    out: Optional[Path] = typer.Option(None, "--out", help="写出草稿：.docx 或 .json"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出草稿、引用和检查结果"),
) -> None:
    """参照语料库中最相近的先例起草新项目的绩效目标表（需先运行 jixiao index build），每段、每行注明出处。"""
    from assistant.drafting.models import DraftError
    from assistant.drafting.new_project import NewProjectSpec, new_project
    from corpus.errors import CorpusError
    from index.errors import SearchIndexError

    spec = NewProjectSpec(name=name, unit=unit, category=category, budget=budget, brief=brief,
                          **({"year": year} if year else {}))
    try:
        draft = new_project(spec)
    except (DraftError, CorpusError, SearchIndexError) as exc:
        fail(str(exc))
    _emit(draft, f"新项目草稿：{spec.name}（{spec.year}年度）", out, as_json)
