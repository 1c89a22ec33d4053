"""`jixiao parse`, `jixiao ingest`, `jixiao corpus list|show`, `jixiao synth`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from assistant.cli_app import app, corpus_app, fail


@app.command()
def parse(
    file: Path = typer.Argument(..., help="要解析的文件（.txt .docx .pdf .xlsx）"),
    as_json: bool = typer.Option(False, "--json", help="输出完整 JSON 记录"),
) -> None:
    """解析一个文件并打印结果（不入库）。"""
    from assistant.uploads import shown_name
    from corpus.errors import CorpusError
    from corpus.ingest import path_problem
    from corpus.parse import parse_file

    file = file.expanduser().resolve()  # messages name the file really read
    bad = path_problem(file)
    if bad:
        fail(f"{shown_name(str(file))}：{bad}")
    try:
        filing = parse_file(file)
    except CorpusError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(filing.model_dump_json(indent=2, exclude_none=False))
        return
    typer.echo(f"{file}：{_kind_zh(filing.kind)}，单位 {filing.unit or '—'}，年度 {filing.year or '—'}")
    for p in filing.projects:
        typer.echo(
            f"  · {p.name}：{len(p.sections)} 个栏目，{len(p.legal_bases)} 条立项依据，{len(p.indicators)} 个指标"
        )
    if filing.evaluation and filing.evaluation.score is not None:
        typer.echo(f"  自评得分 {filing.evaluation.score:g}，等次 {filing.evaluation.grade or '—'}")
    for w in filing.warnings:
        typer.echo(f"  提示：{w}")


def _kind_zh(kind: str) -> str:
    return {"target_table": "绩效目标表", "self_evaluation": "绩效自评报告", "budget_disclosure": "部门预算项目说明"}[kind]


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="文件或文件夹（递归）"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度条"),
) -> None:
    """解析并入库文件；同一文件再次入库不会重复，内容变化的文件会替换旧版本。"""
    from assistant.home import open_store
    from corpus.errors import CorpusError
    from corpus.ingest import ingest_paths

    try:
        store = open_store()
    except CorpusError as exc:
        fail(str(exc))
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(total=0, unit="份", desc="入库", leave=False, dynamic_ncols=True)

    def progress(done: int, total: int, path: str) -> None:
        if bar is not None:
            bar.total = total
            bar.set_postfix_str(Path(path).name[-30:])
            bar.update(1)

    with store:
        report = ingest_paths(store, paths, progress=progress)
        if bar is not None:
            bar.close()
        if report.changed_ids() or report.replaced:
            after_corpus_change()
    typer.echo(
        f"入库完成：新增 {len(report.parsed)}，替换 {len(report.replaced)}，重复跳过 {len(report.duplicates)}，"
        f"失败 {len(report.failed)}" + (f"，非支持格式跳过 {len(report.skipped)}" if report.skipped else "")
    )
    if report.warned:
        typer.echo(f"其中 {len(report.warned)} 份已入库但有提示（部分内容未读出或需核对）：")
        for path, warnings in report.warned:
            more = f"（另有 {len(warnings) - 1} 条，jixiao parse 查看）" if len(warnings) > 1 else ""
            typer.echo(f"  提示：{path}：{warnings[0]}{more}")
    for path, reason in report.failed:
        typer.echo(f"  失败：{path}：{reason}", err=True)
    for path, reason in report.skipped:
        typer.echo(f"  跳过：{path}：{reason}", err=True)
    if report.failed:
        raise typer.Exit(1)


def after_corpus_change() -> None:
    """Keep derived data (the search index) current after filings were added, replaced or
    removed; the hooks live with what they maintain (see assistant.cli_search)."""
    for hook in AFTER_CORPUS_CHANGE:
        hook()


AFTER_CORPUS_CHANGE: list = []


@corpus_app.command("remove")
def corpus_remove(
    filing_ids: List[str] = typer.Argument(..., help="要移除的文件编号（corpus list 第一列，可写前缀）"),
) -> None:
    """从语料库移除文件（检索索引随之更新，其余段落不重新嵌入）。"""
    from assistant.home import open_store
    from corpus.errors import CorpusError

    removed = []
    with open_store() as store:
        for prefix in filing_ids:
            try:
                fid = store.resolve_id(prefix)
                store.delete(fid)
            except CorpusError as exc:
                typer.echo(f"  未移除：{exc}", err=True)
                continue
            removed.append(fid)
            typer.echo(f"已移除：{fid}")
        if removed:
            after_corpus_change()
    typer.echo(f"共移除 {len(removed)} 个文件。")
    if len(removed) < len(filing_ids):
        raise typer.Exit(1)


@corpus_app.command("check")
def corpus_check() -> None:
    """列出语料库中无法读出的记录（如旧版本存入的超范围金额）；有则退出码为 1。"""
    from assistant.home import open_store

    with open_store() as store:
        bad = store.bad_records()
    for fid, path, why in bad:
        typer.echo(f"  无法读出：{fid}  {path}（{why}）")
    typer.echo(f"共 {len(bad)} 条无法读出的记录。" + ("用 jixiao corpus repair 清除，修正原文件后重新 ingest。" if bad else ""))
    if bad:
        raise typer.Exit(1)


@corpus_app.command("repair")
def corpus_repair() -> None:
    """移除语料库中无法读出的记录（检索索引随之更新）；修正原文件后可重新 ingest。"""
    from assistant.home import open_store

    with open_store() as store:
        removed = store.repair()
    for fid, path, why in removed:
        typer.echo(f"已移除：{fid}  {path}（{why}）")
    if removed:
        after_corpus_change()
    typer.echo(f"共移除 {len(removed)} 条无法读出的记录。")


@corpus_app.command("list")
def corpus_list(
    kind: Optional[str] = typer.Option(None, help="target_table / self_evaluation / budget_disclosure"),
    unit: Optional[str] = typer.Option(None, help="单位名称（包含即可）"),
    year: Optional[int] = typer.Option(None, help="年度"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """列出已入库的文件。"""
    from assistant.home import open_store

    with open_store() as store:
        rows = store.list(kind=kind, unit=unit, year=year)
        stats = store.stats()
    if as_json:
        typer.echo(json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("语料库为空。用 jixiao ingest PATH 入库文件。")
        return
    for r in rows:
        names = "、".join(r.projects[:3]) + ("…" if len(r.projects) > 3 else "")
        typer.echo(f"{r.id}  {r.year or '—'}  {_kind_zh(r.kind)}  {r.unit or '—'}  {names}  ({r.n_indicators} 指标)")
    typer.echo(f"共 {stats['filings']} 个文件，{stats['projects']} 个项目，{stats['indicators']} 个指标。")


@corpus_app.command("show")
def corpus_show(
    filing_id: str = typer.Argument(..., help="文件编号（corpus list 第一列，可写前缀）"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """显示一个已入库文件的完整记录。"""
    from assistant.home import open_store
    from corpus.errors import CorpusError

    with open_store() as store:
        try:
            filing = store.get(filing_id)
        except CorpusError as exc:
            fail(str(exc))
    if as_json:
        typer.echo(filing.model_dump_json(indent=2))
        return
    typer.echo(f"{filing.source.path}\n{_kind_zh(filing.kind)} · {filing.unit or '—'} · {filing.year or '—'}")
    for p in filing.projects:
        typer.echo(f"\n【{p.name}】 {p.category or ''}  {p.start_date or ''} ~ {p.end_date or ''}")
        b = p.budget
        if b.total is not None or b.current_year is not None:
            typer.echo(
                f"  预算（元）：总 {_money(b.total)}，当年 {_money(b.current_year)}，"
                f"上年预算 {_money(b.prior_year_budget)}，上年执行 {_money(b.prior_year_executed)}"
            )
        for s in p.sections:
            typer.echo(f"  {s.title}：{s.text[:80]}{'…' if len(s.text) > 80 else ''}")
        for lb in p.legal_bases:
            typer.echo(f"  依据：{lb.text}" + (f"  [{lb.doc_number_normalized}]" if lb.doc_number_normalized else ""))
        for i in p.indicators:
            where = f"第{i.span.line_start}行" if i.span else ""
            typer.echo(f"  指标：{i.level1} / {i.level2} / {i.name} = {i.raw_value or '（空）'}  {where}")
    if filing.evaluation:
        e = filing.evaluation
        typer.echo(f"\n自评得分 {e.score}，等次 {e.grade}，编制 {e.staffing_authorized}，实有 {e.staffing_actual}")


def _money(v: Optional[float]) -> str:
    return "—" if v is None else f"{v:,.2f}"


@app.command()
def synth(
    filings: int = typer.Option(1000, "--filings", help="生成的文件数"),
    out: Path = typer.Option(..., "--out", help="输出目录"),
    seed: int = typer.Option(0, "--seed", help="随机种子（同一种子生成同样的文件）"),
) -> None:
    """生成确定性的虚构文件，用于规模测试。"""
    from corpus.synth import generate

    n = generate(out, filings, seed=seed)
    typer.echo(f"已在 {out} 生成 {n} 个虚构文件。")


@app.command()
def sample(quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度条")) -> None:
    """把随附的示例语料（虚构文件）入库，并打印语料库摘要。"""
    from assistant.home import home, open_store, sample_corpus_dir
    from corpus.ingest import ingest_paths

    folder = sample_corpus_dir()
    if not folder.is_dir():
        fail(f"找不到示例语料目录 {folder}")
    with open_store() as store:
        report = ingest_paths(store, [folder])
        if report.changed_ids() or report.replaced:
            after_corpus_change()
        stats = store.stats()
    typer.echo(f"示例语料已入库到 {home()}：新增 {len(report.parsed)}，重复跳过 {len(report.duplicates)}，失败 {len(report.failed)}")
    for path, reason in report.failed:
        typer.echo(f"  失败：{path}：{reason}", err=True)
    typer.echo(
        f"语料库共 {stats['filings']} 个文件、{stats['projects']} 个项目、{stats['indicators']} 个指标；"
        f"按年度：{', '.join(f'{y}年 {n}' for y, n in stats['by_year'].items())}"
    )
    typer.echo("下一步：jixiao corpus list 查看文件；jixiao parse 文件 --json 查看解析结果。")
