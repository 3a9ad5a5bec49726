"""Where a REST turn's time goes: py-spy samples of a served Rasa under load, in buckets.

    .venv/bin/python -m bench.profile                    # tracker cache off, then on; 1 worker
    .venv/bin/python -m bench.profile --cache-sizes 64 --seconds 30 --env NAME=VALUE
    .venv/bin/python -m bench.profile --no-spy           # CPU per turn only, no profiler attached

For each configuration: serve the model as bench serves it (action server, its own SQLite
tracker store, the project's endpoints.yml and serving settings; `CRS_TRACKER_CACHE_SIZE`
as asked), warm it up, then for `--seconds` drive `--users` conversations at once through
the REST channel (closed loop; each parent asks `--turns` questions, then a new parent
takes their place) while `py-spy record --format raw` samples the Rasa process (and its
workers: `--subprocesses`) 100 times a second. py-spy leaves out idle threads (the event
loop waiting for a request, a thread blocked on I/O), but still samples a thread that waits
for a CPU on a busy machine: so the samples give shares of the busy time, and the
milliseconds come from /proc.

Each sample's stack goes to one bucket (`classify`: by the frames' module paths and Rasa's
processor functions, first match in this order): logging; lock store; tracker retrieve
(+replay, session check); tracker save (their SQL and JSON included); serialisation/JSON
elsewhere; NLU (per graph component); policies (per graph component); actions/NLG;
Sanic/HTTP; other. "ms per turn" is a bucket's share of the samples times the CPU time of
the processes' main threads per answered turn, from /proc (not wall time, so a busy machine
changes it little); the CPU of the threads py-spy cannot see (TensorFlow's and ONNX
Runtime's own thread pools) is its own line. Prints Markdown; `--json` writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

import aiohttp

from bench.load import TIMEOUT, percentile, run_load, timed_post
from bench.memory import process_group
from bench.profile_buckets import (
    ACTIONS as ACTIONS,
)
from bench.profile_table import ProfileResult as ProfileResult
from bench.profile_table import nested as nested
from bench.profile_table import table as table

if TYPE_CHECKING:
    from launcher.stack import Stack
from bench.profile_buckets import (
    BUCKETS as BUCKETS,
)
from bench.profile_buckets import (
    LOCKS as LOCKS,
)
from bench.profile_buckets import (
    LOGGING as LOGGING,
)
from bench.profile_buckets import (
    NLU as NLU,
)
from bench.profile_buckets import (
    OTHER as OTHER,
)
from bench.profile_buckets import (
    POLICIES as POLICIES,
)
from bench.profile_buckets import (
    RETRIEVE as RETRIEVE,
)
from bench.profile_buckets import (
    SANIC as SANIC,
)
from bench.profile_buckets import (
    SAVE as SAVE,
)
from bench.profile_buckets import (
    SERIALISATION as SERIALISATION,
)
from bench.profile_buckets import (
    Frame as Frame,
)
from bench.profile_buckets import (
    aggregate as aggregate,
)
from bench.profile_buckets import (
    classify as classify,
)
from bench.profile_buckets import (
    module_path as module_path,
)
from bench.profile_buckets import (
    parse_frame as parse_frame,
)
from bench.profile_buckets import (
    parse_raw as parse_raw,
)

# CPU time from /proc, in seconds: the main thread of each process, and all threads.


def _cpu_seconds(stat_path: Path) -> float:
    fields = stat_path.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


@dataclass
class Cpu:
    main_thread: float = 0.0
    all_threads: float = 0.0


def group_cpu(pgid: int) -> Cpu:
    """CPU seconds used so far by the processes of group `pgid`: their main threads, and in all."""
    cpu = Cpu()
    for pid in process_group(pgid):
        try:
            cpu.main_thread += _cpu_seconds(Path(f"/proc/{pid}/task/{pid}/stat"))
            cpu.all_threads += _cpu_seconds(Path(f"/proc/{pid}/stat"))
        except (OSError, IndexError, ValueError):  # gone meanwhile
            pass
    return cpu


@dataclass
class Drive:
    turns: int = 0
    errors: int = 0
    latencies: List[float] = field(default_factory=list)
    elapsed: float = 0.0


async def _drive(rasa_url: str, texts: Sequence[str], users: int, turns: int, seconds: float) -> Drive:
    url = f"{rasa_url}/webhooks/rest/webhook"
    run_id = uuid.uuid4().hex[:8]
    result = Drive()
    deadline = time.monotonic() + seconds

    async def parent(session: aiohttp.ClientSession, user: int) -> None:
        conversation, turn = 0, 0
        while time.monotonic() < deadline:
            if turn == turns:
                conversation, turn = conversation + 1, 0
            sender = f"profile-{run_id}-{user}-{conversation}"
            text = texts[(user * 7919 + conversation * turns + turn) % len(texts)]
            latency = await timed_post(session, url, sender, text)
            if latency is not None:
                result.turns += 1
                result.latencies.append(latency)
            else:
                result.errors += 1
            turn += 1

    connector = aiohttp.TCPConnector(limit=users)
    async with aiohttp.ClientSession(timeout=TIMEOUT, connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(parent(session, user) for user in range(users)))
        result.elapsed = time.perf_counter() - start
    return result


def drive(rasa_url: str, texts: Sequence[str], users: int, turns: int, seconds: float) -> Drive:
    """`users` parents at once for `seconds`, each asking `turns` questions then replaced."""
    return asyncio.run(_drive(rasa_url, texts, users, turns, seconds))


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def profile_served(
    rasa_pgid: int,
    rasa_url: str,
    texts: Sequence[str],
    label: str,
    users: int,
    turns: int,
    seconds: float,
    out_dir: Path,
    spy: bool = True,
    rate: int = 100,
    workers: int = 1,
) -> ProfileResult:
    """Drive the served Rasa for `seconds` while py-spy samples it; the figures of that window."""
    raw = out_dir / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', label)}.raw.txt"
    recorder: Optional[subprocess.Popen[bytes]] = None
    log: Optional[IO[bytes]] = None
    if spy:
        py_spy = Path(sys.executable).parent / "py-spy"
        command = [str(py_spy), "record", "--pid", str(rasa_pgid), "--format", "raw", "--full-filenames"]
        command += ["--rate", str(rate), "--output", str(raw), "--threads"]
        if workers > 1:
            command.append("--subprocesses")
        log = open(out_dir / f"{raw.stem}.py-spy.log", "wb")  # noqa: SIM115  # closed below
        recorder = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        time.sleep(2.0)  # attached (py-spy leaves out idle threads: the waiting server adds nothing)
        if recorder.poll() is not None:
            log.close()
            raise RuntimeError(f"py-spy exited at once; see {out_dir / (raw.stem + '.py-spy.log')}")
    try:
        before = group_cpu(rasa_pgid)
        driven = drive(rasa_url, texts, users, turns, seconds)
        after = group_cpu(rasa_pgid)
        average = load_average()
    finally:
        if recorder is not None and recorder.poll() is None:
            recorder.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
            recorder.wait(timeout=60)
        if log is not None:
            log.close()
    counts: Counter[Tuple[str, str]] = Counter()
    if recorder is not None:
        counts = aggregate(parse_raw(raw.read_text(encoding="utf-8", errors="replace").splitlines()))
    answered = max(1, driven.turns)
    return ProfileResult(
        label=label,
        turns=driven.turns,
        errors=driven.errors,
        seconds=driven.elapsed,
        cpu_main_ms_per_turn=(after.main_thread - before.main_thread) * 1000 / answered,
        cpu_all_ms_per_turn=(after.all_threads - before.all_threads) * 1000 / answered,
        p50_ms=percentile(driven.latencies, 50) * 1000 if driven.latencies else float("nan"),
        samples=nested(counts),
        load_average=average,
        workers=workers,
    )


def store_section(endpoints: str, store: str, database: Path) -> str:
    """`endpoints` with another tracker store: a dotted class path, or "rasa" (Rasa's, on `database`)."""
    from bench.run import rasa_sql_tracker_store, replace_tracker_store

    if store == "rasa":
        return rasa_sql_tracker_store(endpoints, database)
    return replace_tracker_store(endpoints, ["tracker_store:", f"  type: {store}"])


def _parser() -> argparse.ArgumentParser:
    from launcher.stack import MODEL

    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--cache-sizes", default="0,default", help="CRS_TRACKER_CACHE_SIZE of each run")
    parser.add_argument("--users", type=int, default=10, help="conversations at once")
    parser.add_argument("--turns", type=int, default=20, help="questions per conversation")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1, help="Rasa workers (more than 1 needs Redis)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the served Rasa")
    parser.add_argument(
        "--tracker-store",
        help="this tracker store class instead of endpoints.yml's ('rasa': Rasa's SQLTrackerStore)",
    )
    parser.add_argument("--no-spy", action="store_true", help="CPU per turn only, no profiler")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", type=Path, help="keep py-spy's raw files and the logs in this folder")
    return parser


def _measure(
    args: argparse.Namespace, stack: Stack, label: str, texts: Sequence[str], work: Path
) -> ProfileResult:
    """Warm up the served Rasa of one configuration, then profile it for `args.seconds`."""
    from bench.run import rewrite_endpoints
    from bench.serve import cold_start, rasa_pid
    from launcher.stack import StackError, serving_workers

    if args.tracker_store:
        database = work / "profile.db"
        rewrite_endpoints(stack, partial(store_section, store=args.tracker_store, database=database))
    cold_start(stack)
    pid = rasa_pid(stack)
    assert pid is not None
    port = int(stack.rasa_url.rsplit(":", 1)[1])
    deadline = time.monotonic() + 300
    while args.workers > 1 and serving_workers(pid, port) < args.workers:
        if time.monotonic() > deadline:
            raise StackError(f"not all {args.workers} Rasa workers answer after 300 s")
        time.sleep(1.0)  # until every worker has loaded the model
    run_load(stack.rasa_url, texts, users=args.users, per_user=5)  # warm-up: every code path
    print(f"profile: {label}: {args.users} conversations for {args.seconds:g} s...", flush=True)
    return profile_served(
        pid, stack.rasa_url, texts, label, args.users, args.turns, args.seconds, work,
        spy=not args.no_spy, workers=args.workers,
    )  # fmt: skip


def _profile_size(
    args: argparse.Namespace, size: str, extra_env: Dict[str, str], texts: Sequence[str], out: Path
) -> Optional[ProfileResult]:
    """Serve one configuration (tracker cache `size`) and profile it; None when it does not start."""
    from bench.serve import serve
    from launcher.stack import SERVING_ENV, Redis, StackError

    env = dict(extra_env)
    if size != "default":
        env["CRS_TRACKER_CACHE_SIZE"] = size
    label = f"cache {size}" + "".join(f", {k}={v}" for k, v in extra_env.items())
    if args.tracker_store:
        label += f", {args.tracker_store}"
    endpoints_extra = ""
    if args.workers > 1:
        env["SANIC_WORKERS"] = str(args.workers)
        endpoints_extra = Redis().lock_store_yaml(f"crsprofile{uuid.uuid4().hex[:8]}")
    work = out / re.sub(r"[^A-Za-z0-9_.-]+", "_", label)
    work.mkdir(parents=True, exist_ok=True)
    try:
        stack = serve(args.model, work, "profile", env, endpoints_extra, SERVING_ENV)
    except StackError as error:
        print(f"profile: could not start: {error}", file=sys.stderr)
        return None
    try:
        return _measure(args, stack, label, texts, work)
    finally:
        stack.stop()


def main(argv: Optional[List[str]] = None) -> int:
    from bench.accuracy import holdout_examples

    args = _parser().parse_args(argv)
    extra_env = dict(item.split("=", 1) for item in args.env)
    texts = [text for text, _ in holdout_examples()]
    results: List[ProfileResult] = []
    out = args.keep or Path(tempfile.mkdtemp(prefix="crs-profile-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"profile: load average {load_average()} at start; files in {out}", flush=True)
    for size in args.cache_sizes.split(","):
        result = _profile_size(args, size.strip(), extra_env, texts, out)
        if result is None:
            return 1
        results.append(result)
        label = result.label
        print(f"profile: {label}: {result.turns} turns, {result.cpu_main_ms_per_turn:.2f} ms main-thread CPU "
              f"per turn, load average {result.load_average}", flush=True)  # fmt: skip
    print("\n" + table(results))
    if args.json:
        args.json.write_text(json.dumps([r.as_dict() for r in results], indent=2), encoding="utf-8")
    if args.keep is None:
        subprocess.run(["rm", "-rf", str(out)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
