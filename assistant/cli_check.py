"""`jixiao check FILE`, `jixiao check --corpus`, `jixiao rules`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Optional

import typer

from assistant.cli_app import app, fail


def _rule_list(rules: Optional[str]) -> Optional[list[str]]:
    return [r for r in rules.split(",") if r.strip()] if rules else None


def _print_findings(label: str, findings) -> None:
    from assistant.checks.model import severity_label

    counts = Counter(f.severity for f in findings)
    typer.echo(f"{label}：发现 {len(findings)} 条（错误 {counts['error']}，警告 {counts['warn']}，提示 {counts['info']}）")
    for f in findings:
        head = f"{severity_label(f.severity)} {f.rule_id} {f.rule_name}"
        where = " · ".join(x for x in (f"项目「{f.project}」" if f.project else "", f.location, f.where()) if x)
        typer.echo(f"{head} · {where}")
        if f.text:
            typer.echo(f"    原文：{f.text}")
        typer.echo(f"    问题：{f.message}")
        typer.echo(f"    依据：{f.basis_note}")


@app.command()
def check(
    file: Optional[Path] = typer.Argument(None, help="要检查的文件（.txt .docx .pdf .xlsx）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出全部检查结果"),
    rules: Optional[str] = typer.Option(None, "--rules", help="只运行这些规则，逗号分隔，如 S-01,V-01"),
    min_severity: Optional[str] = typer.Option(None, "--min-severity", help="只显示不低于此级别的结果：info（提示）/ warn（警告）/ error（错误）"),
    corpus: bool = typer.Option(False, "--corpus", help="检查语料库中全部已入库文件，按规则汇总"),
) -> None:
    """按 docs/rules.md 所列规则检查一个绩效目标表或自评报告；有错误级结果时退出码为 1。"""
    from assistant.checks import CheckError, check_filing, has_errors
    from corpus.errors import CorpusError

    if corpus:
        _check_corpus(_rule_list(rules), min_severity, as_json)
        return
    if file is None:
        fail("请给出要检查的文件，或使用 --corpus 检查语料库。")
    from assistant.checks.engine import resolve_rules
    from corpus.parse import parse_file

    try:
        resolve_rules(_rule_list(rules))
        filing = parse_file(file)
        findings = check_filing(filing, rules=_rule_list(rules), min_severity=min_severity)
    except (CorpusError, CheckError) as exc:
        fail(str(exc))
    if as_json:
        payload = {"file": str(file), "kind": filing.kind, "findings": [f.model_dump(mode="json") for f in findings]}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_findings(str(file), findings)
    if has_errors(findings):
        raise typer.Exit(1)


def _check_corpus(rules: Optional[list[str]], min_severity: Optional[str], as_json: bool) -> None:
    from assistant.checks import CheckError, check_filing, rule_infos
    from assistant.home import open_store
    from corpus.errors import CorpusError
    from assistant.checks.model import SEVERITY_ZH

    per_rule: Counter = Counter()
    files_per_rule: Counter = Counter()
    n_files = 0
    try:
        with open_store() as store:
            for _fid, filing in store.iter_filings():
                n_files += 1
                found = check_filing(filing, rules=rules, min_severity=min_severity)
                per_rule.update(f.rule_id for f in found)
                files_per_rule.update({f.rule_id for f in found})
    except (CorpusError, CheckError) as exc:
        fail(str(exc))
    infos = {r.id: r for r in rule_infos()}
    if as_json:
        typer.echo(json.dumps({"filings": n_files, "rules": {
            rid: {"findings": per_rule[rid], "filings": files_per_rule[rid], "severity": infos[rid].severity}
            for rid in sorted(per_rule, key=lambda r: -per_rule[r])}}, ensure_ascii=False, indent=2))
        return
    if n_files == 0:
        typer.echo("语料库为空。用 jixiao ingest PATH 入库文件。")
        return
    typer.echo(f"已检查 {n_files} 个文件，共 {sum(per_rule.values())} 条结果。")
    for rid in sorted(per_rule, key=lambda r: -per_rule[r]):
        info = infos[rid]
        typer.echo(f"  {rid} {info.name}（{SEVERITY_ZH[info.severity]}）：{per_rule[rid]} 条，涉及 {files_per_rule[rid]} 个文件")


@app.command("rules")
def rules_cmd(as_json: bool = typer.Option(False, "--json", help="以 JSON 输出")) -> None:
    """列出全部检查规则、默认严重程度和依据来源。"""
    from assistant.checks import rule_infos
    from assistant.checks.model import BASIS_ZH, TAG_ZH, severity_label

    infos = rule_infos()
    if as_json:
        typer.echo(json.dumps([i.model_dump() for i in infos], ensure_ascii=False, indent=2))
        return
    for i in infos:
        typer.echo(f"{i.id} {i.name} {severity_label(i.severity)} {BASIS_ZH[i.basis]}（{TAG_ZH[i.source_tag]}）")
        typer.echo(f"    {i.explanation}")
        typer.echo(f"    来源：{i.source}")
