"""The TCP sockets listening on a port, as Linux /proc/net/tcp and tcp6 list them.

Standard library only, like the rest of `launcher/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator


def listening_inodes(port: int) -> Iterator[str]:
    """The inodes of the sockets listening on `port` (none where /proc does not tell)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                yield inode
