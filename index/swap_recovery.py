"""Take back a complete index after a crash between the two renames of the index swap.

`_write_folder` writes `index.new` (manifest last), renames `index` → `index.old`, then
`index.new` → `index`. A SIGKILL between the renames leaves no `index/`; on start the
complete sibling is renamed back instead of telling the user there is no index.
"""

from __future__ import annotations

import logging
from pathlib import Path

from index.manifest import MANIFEST

log = logging.getLogger(__name__)


def recover_swap(folder: Path | str) -> bool:
    """When `folder` is missing, rename back a complete `.new` (preferred: it is newer) or
    `.old` sibling; True when one was taken back. A sibling without its manifest is incomplete
    and left alone (the next build removes it)."""
    folder = Path(folder)
    if folder.exists():
        return False
    for suffix in (".new", ".old"):
        cand = folder.with_name(folder.name + suffix)
        if (cand / MANIFEST).is_file():
            try:
                cand.rename(folder)
            except OSError:  # another process took it back first
                return folder.exists()
            log.warning("检索索引在替换途中中断，已恢复 %s 为 %s", cand.name, folder.name)
            return True
    return False
