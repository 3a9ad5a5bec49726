"""The console at scale: seed, summarise, then time the pages and the export over HTTP.

    python -m console_tools.scale_bench --database-url sqlite \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres [--sizes 10000,50000,100000]

For each database and size: a fresh database (a SQLite file in a temporary directory, or a
new PostgreSQL database created through the given server URL and dropped afterwards) is
filled by `console_tools.seed` and summarised by `web.console.services.summary.sync` (each in a child
process, timed, with its peak memory). The console (`create_console`, mounted under
``/console``) is then served by uvicorn in another child process, a reviewer signs in, and
each page is requested ``--warmup`` times, then ``--requests`` times: p50 and p95 of the
full response. The CSV export is streamed and discarded, with the serving process's peak
memory during it (``/proc/<pid>/status`` VmHWM, reset before each export through
``clear_refs``). The figures go to stdout and ``results/console-scale.md``.

Nothing here asserts a target: this reports figures. Linux only (``/proc``).
"""

from __future__ import annotations

from console_tools.scale_bench.children import console_server, run_child
from console_tools.scale_bench.cli import main, parse_args
from console_tools.scale_bench.databases import database_bytes, fresh_database, server_version
from console_tools.scale_bench.measuring import measure, pages, sign_in, time_export, time_page
from console_tools.scale_bench.model import (
    DEFAULT_OUTPUT,
    DEFAULT_SIZES,
    FILTER_TOPIC,
    PASSWORD,
    PREFIX,
    SEARCH,
    SYNC_STEP,
    TARGET_P95_MS,
    USERNAME,
    Export,
    Run,
    Timing,
    percentile,
)
from console_tools.scale_bench.report import report

__all__ = [
    "DEFAULT_OUTPUT",
    "DEFAULT_SIZES",
    "Export",
    "FILTER_TOPIC",
    "PASSWORD",
    "PREFIX",
    "Run",
    "SEARCH",
    "SYNC_STEP",
    "TARGET_P95_MS",
    "Timing",
    "USERNAME",
    "console_server",
    "database_bytes",
    "fresh_database",
    "main",
    "measure",
    "pages",
    "parse_args",
    "percentile",
    "report",
    "run_child",
    "server_version",
    "sign_in",
    "time_export",
    "time_page",
]
