"""`jixiao serve`: start the web app (safe by default: loopback only, auth required off it)."""

from __future__ import annotations

import ipaddress
import os
import time
from pathlib import Path
from typing import Optional

import typer

from assistant.cli_app import app, fail, progress_enabled

MAX_FILE_SIZE = "20mb"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost'."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_auth(auth: Optional[str], auth_file: Optional[Path]) -> list[tuple[str, str]]:
    """user:password pairs from --auth and/or a file with one pair per line (# comments)."""
    pairs: list[str] = []
    if auth:
        pairs.append(auth)
    if auth_file:
        try:
            text = Path(auth_file).read_text(encoding="utf-8")
        except OSError as exc:
            fail(f"无法读取认证文件 {auth_file}：{exc.strerror or exc}")
        pairs += [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    out = []
    for p in pairs:
        user, sep, pw = p.partition(":")
        if not sep or not user or not pw:
            fail("认证信息格式应为 用户名:密码")
        out.append((user, pw))
    return out


def hide_api(demo) -> None:
    """Mark every event private. Gradio puts the API description into the page it serves
    *before* login, and that description lists each dropdown's choices (the corpus's unit
    names, categories). Private events are left out of it; the browser UI calls them as
    before, only Gradio's API clients cannot. Used whenever login is required."""
    for fn in demo.fns.values():
        fn.api_visibility = "private"


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址（默认仅本机；其他地址必须设置认证）"),
    port: int = typer.Option(7860, "--port", help="端口"),
    auth: Optional[str] = typer.Option(None, "--auth", help="登录认证 用户名:密码"),
    auth_file: Optional[Path] = typer.Option(None, "--auth-file", help="认证文件，每行一个 用户名:密码"),
    sample: bool = typer.Option(True, "--sample/--no-sample", help="语料库为空时导入随附的示例语料"),
    lexical_only: bool = typer.Option(False, "--lexical-only", help="只用关键词检索，不在后台构建语义索引"),
) -> None:
    """启动网页界面（检索、检查、范例、语料、起草）。"""
    t0 = time.perf_counter()
    creds = parse_auth(auth, auth_file)
    if not is_loopback(host) and not creds:
        fail(f"监听 {host} 会让其他机器访问本服务，必须用 --auth 用户名:密码 或 --auth-file 设置登录认证")
    from assistant.home import home

    h = home()
    # uploads land inside the data dir; no calls home to analytics
    os.environ.setdefault("GRADIO_TEMP_DIR", str(h / "app-uploads"))
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    try:
        import gradio  # noqa: F401
    except ImportError:
        fail("未安装 Gradio。请运行 pip install 'jixiao[app]'")
    from assistant.app_service import ensure_ready
    from corpus.errors import CorpusError
    from index.errors import SearchIndexError
    from ui.app import CSS, HEAD, build_app

    bars: dict[str, object] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if not progress_enabled():
            return
        from tqdm import tqdm

        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, leave=False, dynamic_ncols=True)
        bar.total, bar.n = total, done
        bar.refresh()

    try:
        rep = ensure_ready(h, sample=sample, say=lambda m: typer.echo(m), progress=progress, lexical_only=lexical_only)
    except (CorpusError, SearchIndexError) as exc:
        fail(str(exc))
    finally:
        for bar in bars.values():
            bar.close()
    for path, reason in rep.failed:
        typer.echo(f"  失败：{path}：{reason}", err=True)
    demo = build_app(h)
    demo.queue(default_concurrency_limit=2)
    if creds:
        hide_api(demo)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    typer.echo(f"数据目录：{h}；准备用时 {time.perf_counter() - t0:.1f} 秒。")
    from assistant import search_service as svc

    from assistant import semantic_build

    # answer at once with keywords; the vectors are built in the background and search
    # turns hybrid when the new index is swapped in (no restart)
    if not lexical_only and semantic_build.start(
            h, say=lambda m: typer.echo(m), respect_choice=not rep.index_built):
        typer.echo("检索方式：先用关键词；语义索引构建完成后自动改为关键词 + 语义")
    else:
        mode = semantic_build.state(h)  # names --lexical-only when it was given, else the index's reason
        typer.echo("检索方式：关键词 + 语义" if mode.mode == "hybrid" else
                   f"检索方式：仅关键词（{svc.semantic_off_message(mode.reason, in_search=False)}）")
    typer.echo(f"正在启动：http://{shown}:{port}（按 Ctrl+C 停止）")
    from assistant.serve_app import launch

    # same-origin only, login on every route, login backoff, uploads only with a session, the
    # upload folder cleaned (assistant/serve_guard.py, assistant/upload_cleaner.py)
    launch(
        demo, uploads_dir=h / "app-uploads", login=bool(creds), auth_message="请输入 jixiao 的用户名和密码",
        say=lambda m: typer.echo(m),
        server_name=host, server_port=port, auth=creds or None,
        max_file_size=MAX_FILE_SIZE, allowed_paths=[], show_error=False, quiet=True, share=False,
        css=CSS, head=HEAD, footer_links=[], ssr_mode=False,
    )
