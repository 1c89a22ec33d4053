"""The shared Typer app and the one place errors become messages."""

from __future__ import annotations

import sys
from typing import NoReturn, Optional

import typer

from assistant import cli_zh
from assistant.home import set_home

cli_zh.install()

app = typer.Typer(
    name="jixiao",
    help="绩效 jixiao：预算绩效目标表与自评报告的检索、起草与检查助手。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
corpus_app = typer.Typer(help="查看语料库中已入库的文件。", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@app.callback()
def _main(
    home: Optional[str] = typer.Option(None, "--home", help="数据目录（默认 $JIXIAO_HOME 或 ~/.jixiao）"),
) -> None:
    set_home(home)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line to stderr and exit."""
    typer.echo(f"错误：{message}", err=True)
    raise typer.Exit(code)


def progress_enabled() -> bool:
    return sys.stderr.isatty()
