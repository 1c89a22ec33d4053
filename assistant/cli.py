"""Entry point of the `jixiao` command. Commands live in cli_* modules by area;
each imports its heavy dependencies only when it runs, so `--help` is instant."""

from __future__ import annotations

import importlib

from assistant.cli_app import app

_COMMAND_MODULES = ["assistant.cli_corpus", "assistant.cli_search", "assistant.cli_check", "assistant.cli_draft", "assistant.cli_serve"]
for _name in _COMMAND_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # an area not built yet
        if exc.name != _name:
            raise


def main() -> None:
    app()


if __name__ == "__main__":
    main()
