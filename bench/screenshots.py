"""Refresh the README pictures in docs/screenshots/ (the browser tests alone write to a temp folder).

Runs tests/test_ui_browser.py with JIXIAO_SHOTS_DIR pointing at docs/screenshots, after checking that
a CJK font is installed (without one the pictures show boxes), then prints each picture's size.
Needs /usr/bin/chromium, playwright and fonts-wqy-zenhei (apt-get install chromium fonts-wqy-zenhei).

    python bench/screenshots.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "docs" / "screenshots"
MAX_BYTES = 1_000_000


def has_cjk_font() -> bool:
    """True when fontconfig knows a font covering Chinese."""
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    return bool(out.strip())


def main() -> int:
    if not has_cjk_font():
        print("没有中文字体：截图会显示方框。请先 apt-get install fonts-wqy-zenhei。", file=sys.stderr)
        return 2
    SHOTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, JIXIAO_SHOTS_DIR=str(SHOTS))
    rc = subprocess.run([sys.executable, "-m", "pytest", "tests/test_ui_browser.py", "-q", "-x"], cwd=REPO,
                        env=env).returncode
    for p in sorted(SHOTS.glob("*.png")):
        size = p.stat().st_size
        print(f"{p.relative_to(REPO)}  {size / 1024:.0f} KB{'  超过 1 MB！' if size >= MAX_BYTES else ''}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
