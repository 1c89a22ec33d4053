"""Launch the Gradio app behind `serve_guard.Guard`, with the upload folder cleaned on a schedule.

Gradio builds its FastAPI app inside `launch()` and adds its own CORS middleware there. The guard
must sit *outside* that middleware (it has to drop the CORS headers Gradio adds and answer
preflights itself), so it is wrapped around the finished middleware stack in a lifespan handler
passed through `app_kwargs`: the lifespan runs once at server start, after Starlette has built the
stack and before the first HTTP request is accepted. `tests/test_app_security.py` checks the
result over HTTP, so a Gradio upgrade that changes this shows up there.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Callable, Optional

from assistant import upload_cleaner
from assistant.serve_guard import Guard


def gradio_logged_in(app: Any, scope: dict, cookies: dict[str, str]) -> bool:
    """Whether the request carries a login cookie Gradio issued (the names Gradio uses)."""
    token = cookies.get(f"access-token-{app.cookie_id}") or cookies.get(f"access-token-unsecure-{app.cookie_id}")
    return token is not None and app.tokens.get(token) is not None


def launch(demo: Any, *, uploads_dir: Path, login: bool, auth_message: str,
           say: Optional[Callable[[str], None]] = None, **launch_kwargs: Any) -> None:
    """`demo.launch(**launch_kwargs)` with the guard in front and the upload cleaner running."""

    @asynccontextmanager
    async def lifespan(app: Any):
        if app.middleware_stack is None:
            app.middleware_stack = app.build_middleware_stack()
        if not isinstance(app.middleware_stack, Guard):
            app.middleware_stack = Guard(app.middleware_stack, login=login, auth_message=auth_message,
                                         logged_in=lambda scope, cookies: gradio_logged_in(app, scope, cookies))
        stop = upload_cleaner.start(uploads_dir, say=say)
        try:
            yield
        finally:
            stop.set()

    app_kwargs = dict(launch_kwargs.pop("app_kwargs", None) or {})
    app_kwargs.update(lifespan=lifespan, openapi_url=None)
    demo.launch(app_kwargs=app_kwargs, auth_message=auth_message, **launch_kwargs)
