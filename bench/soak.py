"""Soak: a steady load for N minutes; memory of each Rasa process at start and end, errors, p99 per minute.

    .venv/bin/python -m bench.soak --minutes 20              # as `make run` serves it, half its capacity
    .venv/bin/python -m bench.soak --minutes 1 --rate 5      # a short check
    .venv/bin/python -m bench.run --soak-minutes 20          # after the benchmark, in its report

Serves the model with its own SQLite tracker store and as many Rasa workers as
`make run` would start here (`launcher.stack.plan_workers`), measures the capacity
(messages/s of 50 conversations at once) unless `--rate` is given, and sends half of it
for N minutes: open loop, a message every 1/rate s whatever the answers, each from one of
`--conversations` parents who ask `--turns` questions each and are then replaced by a
new parent (as the FAQ's users do: many short conversations, so the tracker cache turns
over). Reports, per minute, messages, errors and p50/p99, and the RSS of each process of the
Rasa server (the Sanic main process and each worker) after the warm-up and at the end,
with its PSS (the forked workers share pages with the main process: RSS counts them in each).

Targets from the issue: memory growth <= 5% per process, 0 errors. No test asserts them.
Messages come from the project's training data unless the caller passes others (the
benchmark passes its held-out questions).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

import aiohttp

from assistant.project_files import nlu_examples
from bench.load import percentile, run_load, timed_post
from bench.memory import process_group
from launcher.stack import (
    MODEL,
    ROOT,
    Redis,
    Stack,
    StackError,
    StackOptions,
    cores,
    plan_workers,
    start_stack,
)

TIMEOUT = aiohttp.ClientTimeout(total=30)
MAX_IN_FLIGHT = 500  # beyond this the server is not keeping up: a message is counted as an error
CAPACITY_USERS, CAPACITY_MESSAGES = 50, 4


@dataclass
class Minute:
    sent: int = 0
    errors: int = 0
    latencies: List[float] = field(default_factory=list)  # seconds, answered messages

    def summary(self) -> Dict[str, Any]:
        return {
            "sent": self.sent,
            "errors": self.errors,
            "p50_ms": round(percentile(self.latencies, 50) * 1000, 1) if self.latencies else None,
            "p99_ms": round(percentile(self.latencies, 99) * 1000, 1) if self.latencies else None,
        }


@dataclass
class SoakResult:
    minutes: float
    rate: float
    capacity: Optional[float]
    workers: int
    per_minute: List[Dict[str, Any]]
    rss_start_mb: Dict[str, float]  # "main 1234" / "worker 1235" -> MB
    rss_end_mb: Dict[str, float]
    pss_start_mb: Dict[str, float]  # shared pages (forked workers) split between the processes
    pss_end_mb: Dict[str, float]
    errors: int
    messages: int
    rss_samples_mb: List[Dict[str, float]] = field(default_factory=list)  # once a minute

    @property
    def growth_percent(self) -> Dict[str, float]:
        return {
            name: round(100 * (self.rss_end_mb[name] - start) / start, 1)
            for name, start in self.rss_start_mb.items()
            if name in self.rss_end_mb and start > 0
        }

    def as_dict(self) -> Dict[str, Any]:
        return {**asdict(self), "growth_percent": self.growth_percent}


def training_texts(folder: Path = ROOT / "data" / "nlu") -> List[str]:
    """The example messages of the project's training data (entity markup removed)."""
    return [text for path in sorted(folder.glob("*.yml")) for _, text in nlu_examples(path) if text]


def rasa_processes(stack: Stack) -> Dict[int, str]:
    """pid -> "main" or "worker" for the processes of the stack's Rasa server."""
    process = stack.services["rasa"].process
    if process is None:
        return {}
    return {pid: "main" if pid == process.pid else "worker" for pid in sorted(process_group(process.pid))}


def _memory_mb(pids: Dict[int, str], file: str, key: str) -> Dict[str, float]:
    out = {}
    for pid, role in pids.items():
        try:
            for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
                if line.startswith(key + ":"):
                    out[f"{role} {pid}"] = round(int(line.split()[1]) / 1024, 1)
        except OSError:  # the process is gone
            pass
    return out


def rss_mb(pids: Dict[int, str]) -> Dict[str, float]:
    """Resident memory of each process, MB ("main 1234" / "worker 1235")."""
    return _memory_mb(pids, "status", "VmRSS")


def pss_mb(pids: Dict[int, str]) -> Dict[str, float]:
    """Proportional set size of each process, MB: pages shared with the others counted once in all."""
    return _memory_mb(pids, "smaps_rollup", "Pss")


async def _soak(
    rasa_url: str,
    texts: Sequence[str],
    minutes: float,
    rate: float,
    conversations: int,
    turns: int,
    sample: Callable[[], Dict[str, float]],
) -> Tuple[List[Minute], List[Dict[str, float]]]:
    url = f"{rasa_url}/webhooks/rest/webhook"
    run_id = uuid.uuid4().hex[:8]
    buckets = [Minute() for _ in range(max(1, math.ceil(minutes)))]
    samples: List[Dict[str, float]] = []
    in_flight: Set[asyncio.Future[None]] = set()
    total = int(minutes * 60 * rate)

    async def send(session: aiohttp.ClientSession, number: int, bucket: Minute) -> None:
        slot = number % conversations
        turn = number // conversations
        sender = f"soak-{run_id}-{slot}-{turn // turns}"  # a new parent every `turns` questions
        text = texts[number % len(texts)]
        latency = await timed_post(session, url, sender, text)
        if latency is not None:
            bucket.latencies.append(latency)
        else:
            bucket.errors += 1

    connector = aiohttp.TCPConnector(limit=MAX_IN_FLIGHT)
    async with aiohttp.ClientSession(timeout=TIMEOUT, connector=connector) as session:
        start = time.monotonic()
        next_sample = 60.0
        for number in range(total):
            due = start + number / rate
            now = time.monotonic()
            if due > now:
                await asyncio.sleep(due - now)
            elapsed = time.monotonic() - start
            if elapsed >= next_sample:
                samples.append(sample())
                next_sample += 60.0
            bucket = buckets[min(int(elapsed // 60), len(buckets) - 1)]
            bucket.sent += 1
            if len(in_flight) >= MAX_IN_FLIGHT:
                bucket.errors += 1  # not keeping up: the message is dropped, not queued
                continue
            task = asyncio.ensure_future(send(session, number, bucket))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        if in_flight:
            await asyncio.gather(*in_flight)
    return buckets, samples


def soak_stack(
    stack: Stack,
    texts: Sequence[str],
    minutes: float,
    rate: Optional[float] = None,
    conversations: int = 40,
    turns: int = 8,
    log: Callable[[str], None] = print,
) -> SoakResult:
    """Warm up, measure the capacity (unless `rate`), then soak at `rate` or half the capacity."""
    run_load(stack.rasa_url, texts, users=8, per_user=3)  # warm-up: every worker, every code path
    capacity = None
    if rate is None:
        burst = run_load(stack.rasa_url, texts, users=CAPACITY_USERS, per_user=CAPACITY_MESSAGES)
        capacity = burst.throughput
        rate = max(0.5, capacity / 2)
        log(f"soak: capacity {capacity:.1f} msg/s (50 conversations at once); soaking at {rate:.1f} msg/s")
    pids = rasa_processes(stack)
    start_rss, start_pss = rss_mb(pids), pss_mb(pids)
    log(f"soak: {minutes:g} min at {rate:.1f} msg/s; RSS at start (MB): {start_rss}")
    buckets, samples = asyncio.run(
        _soak(stack.rasa_url, texts, minutes, rate, conversations, turns, lambda: rss_mb(pids))
    )
    end_rss, end_pss = rss_mb(pids), pss_mb(pids)
    result = SoakResult(
        minutes=minutes,
        rate=round(rate, 2),
        capacity=round(capacity, 2) if capacity is not None else None,
        workers=sum(1 for role in pids.values() if role == "worker") or 1,
        per_minute=[b.summary() for b in buckets],
        rss_start_mb=start_rss,
        rss_end_mb=end_rss,
        pss_start_mb=start_pss,
        pss_end_mb=end_pss,
        errors=sum(b.errors for b in buckets),
        messages=sum(b.sent for b in buckets),
        rss_samples_mb=samples,
    )
    return result


def soak_model(
    model: Path,
    work: Path,
    texts: Sequence[str],
    minutes: float,
    rate: Optional[float] = None,
    workers: Optional[int] = None,
    log: Callable[[str], None] = print,
) -> SoakResult:
    """Serve `model` as `make run` would (its workers; `workers` to override) and soak it."""
    redis = Redis()
    plan = plan_workers(workers, cores(), redis, lambda r: r.answers())
    log(f"soak: {plan.note}")
    prefix = f"crssoak{uuid.uuid4().hex[:8]}"
    stack = start_stack(
        StackOptions(
            database_url=f"sqlite:///{work / 'soak.db'}",
            gateway=False,
            log_dir=work / "logs-soak",
            model=model,
            rasa_workers=plan.workers,
            endpoints_extra=redis.lock_store_yaml(prefix) if plan.lock_store else "",
        )
    )
    try:
        return soak_stack(stack, texts, minutes, rate, log=log)
    finally:
        stack.stop()
        if plan.lock_store:
            _delete_keys(redis, prefix)


def _delete_keys(redis: Redis, prefix: str) -> None:
    try:
        import redis as redis_client
    except ImportError:
        return
    client = redis_client.Redis(host=redis.host, port=redis.port, db=redis.db)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


def report(result: SoakResult) -> str:
    """The soak as Markdown: the run, memory per process, and a row per minute."""
    lines = [
        f"## Soak: {result.minutes:g} min at {result.rate} msg/s"
        + (f" (half the measured capacity, {result.capacity} msg/s)" if result.capacity else ""),
        "",
        f"{result.workers} Rasa worker(s); {result.messages} messages, {result.errors} errors "
        f"(target 0); memory growth target <= 5% per process.",
        "",
        "| Rasa process | RSS at start (MB) | RSS at end (MB) | growth | PSS at start | PSS at end |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]

    def mb(value: Optional[float]) -> str:
        return "gone" if value is None else f"{value:.0f}"

    for name, start in result.rss_start_mb.items():
        growth = result.growth_percent.get(name)
        lines.append(
            f"| {name} | {start:.0f} | {mb(result.rss_end_mb.get(name))} | "
            f"{'' if growth is None else f'{growth:+.1f}%'} | {mb(result.pss_start_mb.get(name))} | "
            f"{mb(result.pss_end_mb.get(name))} |"
        )
    lines += [
        "",
        "| minute | messages | errors | p50 (ms) | p99 (ms) |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for index, minute in enumerate(result.per_minute, 1):
        lines.append(
            f"| {index} | {minute['sent']} | {minute['errors']} | {minute['p50_ms']} | {minute['p99_ms']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--rate", type=float, help="messages a second (default: half the measured capacity)")
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--workers", type=int, help="Rasa workers (default: as `make run`, one per core)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"no trained model at {args.model}: run `make train`", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="crs-soak-") as work:
        try:
            texts = training_texts()
            result = soak_model(args.model, Path(work), texts, args.minutes, args.rate, args.workers)
        except StackError as error:
            print(f"soak: could not start: {error}", file=sys.stderr)
            return 1
    print("\n" + report(result))
    if args.json:
        args.json.write_text(json.dumps(result.as_dict(), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
