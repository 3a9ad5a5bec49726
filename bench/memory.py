"""Resident memory of a process and its children, from /proc (no psutil needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List


def process_group(pgid: int) -> List[int]:
    """Pids whose process group is `pgid` (the launcher starts each service in its own)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid:  # fields: state, ppid, pgrp, ...
            pids.append(int(entry.name))
    return pids


def _kib(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def group_memory_mb(pgid: int) -> Dict[str, float]:
    """RSS and PSS (shared pages split between processes) of a process group, in MB."""
    pids = process_group(pgid)
    rss = sum(_kib(Path(f"/proc/{pid}/status"), "VmRSS") for pid in pids)
    pss = sum(_kib(Path(f"/proc/{pid}/smaps_rollup"), "Pss") for pid in pids)
    return {"rss_mb": rss / 1024, "pss_mb": pss / 1024, "processes": float(len(pids))}
