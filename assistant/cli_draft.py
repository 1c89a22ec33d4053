"""`jixiao draft rollover`, `draft new` and `draft selfeval`: draft a filing, check it, show or export it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from assistant.cli_app import app, fail

draft_app = typer.Typer(help="起草绩效目标表（按上年结转，或参照先例起草新项目）和绩效自评表。", no_args_is_help=True)
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
    elif draft.mode == "self_evaluation":
        from assistant.drafting.self_evaluation import render_self_evaluation_report

        typer.echo(render_self_evaluation_report(draft, title))
        if out is not None:
            typer.echo(f"已写出：{out}")
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
    llm: bool = typer.Option(False, "--llm", help="用已配置的模型服务（OpenAI 兼容接口）起草各栏目，失败的栏目自动改用离线起草"),
    llm_url: Optional[str] = typer.Option(None, "--llm-url", help="模型服务地址，如 http://127.0.0.1:8000/v1（隐含 --llm）"),
    llm_model: Optional[str] = typer.Option(None, "--llm-model", help="模型名，如 Qwen2.5-7B-Instruct（隐含 --llm）"),
    llm_timeout: Optional[float] = typer.Option(None, "--llm-timeout", help="每次请求的超时秒数（默认 60）"),
) -> None:
    """参照语料库中相近的同领域先例起草新项目的绩效目标表，每段、每行注明出处；没有相近先例的部分给出写法提示。

    先例中的数字、地名只出现在【参考：…（来源：…）】里，填报人给出的数字（简介中的数量、预算、年度）直接写入正文和指标。

    加 --llm 时由模型参照最相近的三份先例改写各栏目；模型的回答只作为不可信文本处理（清理、校验，引用只保留提示中给过的先例），
    超时、拒答或格式不对的栏目改用离线起草，并在「提示」中说明。
    """
    from assistant.drafting.models import DraftError
    from assistant.drafting.new_project import NewProjectSpec, new_project
    from corpus.errors import CorpusError
    from index.errors import SearchIndexError

    drafter = None
    if llm or llm_url or llm_model:
        from assistant.cli_app import progress_enabled
        from assistant.drafting.llm import LLMNotConfigured, llm_drafter

        try:
            drafter = llm_drafter(base_url=llm_url, model=llm_model, timeout_s=llm_timeout,
                                  progress=(lambda m: typer.echo(m, err=True)) if progress_enabled() else None)
        except LLMNotConfigured as exc:
            fail(str(exc))
    spec = NewProjectSpec(name=name, unit=unit, category=category, budget=budget, brief=brief,
                          **({"year": year} if year else {}))
    try:
        draft = new_project(spec, drafter=drafter)
    except (DraftError, CorpusError, SearchIndexError) as exc:
        fail(str(exc))
    _emit(draft, f"新项目草稿：{spec.name}（{spec.year}年度）", out, as_json)


@draft_app.command("llm-check")
def llm_check_cmd(
    llm_url: Optional[str] = typer.Option(None, "--llm-url", help="模型服务地址（默认取环境变量或 llm.toml）"),
    llm_model: Optional[str] = typer.Option(None, "--llm-model", help="模型名（默认取环境变量或 llm.toml）"),
    llm_timeout: Optional[float] = typer.Option(None, "--llm-timeout", help="超时秒数"),
) -> None:
    """向已配置的模型服务发送一个很小的请求，报告模型名、用时，或出错原因。"""
    from assistant.drafting.llm import LLMError, LLMNotConfigured, check_endpoint, load_config

    try:
        config = load_config(base_url=llm_url, model=llm_model, timeout_s=llm_timeout)
        result = check_endpoint(config)
    except LLMError as exc:
        fail(exc.reason if isinstance(exc, LLMNotConfigured) else f"模型服务{exc.reason}（{config.endpoint}）")
    answered = f"（服务端报告模型 {result.answered_model}）" if result.answered_model and result.answered_model != result.model else ""
    typer.echo(f"模型服务可用：{result.endpoint}")
    typer.echo(f"模型：{result.model}{answered}  用时：{result.latency_s:.2f} 秒")
    typer.echo("回答格式：符合 JSON 约定" if result.json_ok else
               "回答格式：未按要求输出 JSON（起草时这类回答会改用离线起草；可换用更听话的模型或开启服务端 JSON 模式）")


@draft_app.command("selfeval")
def selfeval_cmd(
    project: Optional[str] = typer.Option(None, "--project", help="项目名称（可写一部分）"),
    unit: Optional[str] = typer.Option(None, "--unit", help="单位（可写一部分）"),
    year: Optional[int] = typer.Option(None, "--year", help="自评年度，即对照的绩效目标表的年度（默认最近一年）"),
    from_id: Optional[str] = typer.Option(None, "--from", help="对照的绩效目标表文件编号"),
    actual: Optional[list[str]] = typer.Option(None, "--actual", help="实际完成值，写成“指标名称=实际值”，可重复；如 --actual \"检查项目数=118个\""),
    actuals_file: Optional[Path] = typer.Option(None, "--actuals", help="实际完成值文件：CSV/TSV（可先用 --template-out 生成再填写）或 JSON"),
    executed: Optional[str] = typer.Option(None, "--executed", help="全年执行数，默认单位元，也可写“148万元”"),
    template_out: Optional[Path] = typer.Option(None, "--template-out", help="只写出填报模板（.csv/.tsv：每个指标及其年度指标值，实际完成值留空），不起草"),
    out: Optional[Path] = typer.Option(None, "--out", help="写出草稿：.docx（自评表格式）或 .json（Filing JSON）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出草稿、计算过程、引用和检查结果"),
) -> None:
    """对照当年的绩效目标表和填报的实际完成值起草绩效自评表：按规则计算分值、得分、总分和等次，
    未完成指标的偏差原因和“存在问题/改进措施”参照相近先例起草并注明出处，起草后自动检查。"""
    from assistant.drafting.models import DraftError
    from assistant.drafting.self_evaluation import (
        ActualsInput, actuals_template_csv, load_actuals, parse_actual_option, pick_target, self_evaluation,
    )
    from assistant.home import open_store
    from corpus.errors import CorpusError
    from corpus.normalize import parse_money

    try:
        with open_store() as store:
            if template_out is not None:
                if template_out.suffix.lower() not in (".csv", ".tsv"):
                    fail(f"模板文件名「{template_out.name}」请以 .csv 或 .tsv 结尾")
                fid, filing, idx = pick_target(store, project, unit, year, from_id)
                p = filing.projects[idx]
                text = actuals_template_csv(p, delimiter="\t" if template_out.suffix.lower() == ".tsv" else ",")
                template_out.write_text(text, encoding="utf-8-sig")
                n = sum(1 for r in p.indicators if not r.empty)
                typer.echo(f"已写出填报模板：{template_out}（项目「{p.name}」{filing.year}年度，{n}个指标，目标表 {fid}）")
                typer.echo(f"在“实际完成值”一栏填好后运行：jixiao draft selfeval --from {fid} --project \"{p.name}\" --actuals {template_out}")
                return
            given = load_actuals(actuals_file) if actuals_file is not None else ActualsInput()
            for k, option in enumerate(actual or [], start=1):
                name, value = parse_actual_option(option)
                given.actuals[name] = value
                given.origin[name] = f"第{k}个 --actual"
            amount = None
            if executed is not None:
                amount = parse_money(executed, default_unit="元")
                if amount is None:
                    fail(f"--executed「{executed}」不是金额。请写成 1480000 或 148万元")
            draft = self_evaluation(store, project=project, unit=unit, year=year, from_id=from_id,
                                    actuals=given, executed=amount)
    except (DraftError, CorpusError) as exc:
        fail(str(exc))
    p = draft.filing.projects[0]
    _emit(draft, f"自评表草稿：{p.name}（{draft.filing.year}年度）", out, as_json)
