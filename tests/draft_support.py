"""A corpus home with the sample corpus and the seeds ingested and indexed, built once per test run."""

from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from typer.testing import CliRunner

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_000 = SEEDS / "000_5c8e543f8e6d7888.txt"
SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "sample"


@lru_cache(maxsize=1)
def _built() -> Path:
    import assistant.cli  # noqa: F401  (registers every command)
    from assistant.cli_app import app

    home = Path(tempfile.mkdtemp(prefix="jixiao_draft_"))
    runner = CliRunner()
    for args in (["--home", str(home), "ingest", str(SAMPLE), str(SEEDS)], ["--home", str(home), "index", "build"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return home


def corpus_home(tmp_path: Path) -> Path:
    """A private copy of the built home under tmp_path."""
    dest = tmp_path / "home"
    shutil.copytree(_built(), dest)
    return dest
