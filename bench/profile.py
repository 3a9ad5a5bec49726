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
from typing import IO, Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import aiohttp

from bench.load import TIMEOUT, percentile, run_load, timed_post
from bench.memory import process_group

SANIC = "Sanic/HTTP"
LOCKS = "lock store"
RETRIEVE = "tracker retrieve (+replay)"
SAVE = "tracker save"
SERIALISATION = "serialisation/JSON"
NLU = "NLU"
POLICIES = "policies"
ACTIONS = "actions/NLG"
LOGGING = "logging"
OTHER = "other"
BUCKETS = (SANIC, LOCKS, RETRIEVE, NLU, POLICIES, ACTIONS, SAVE, SERIALISATION, LOGGING, OTHER)

# Rasa's MessageProcessor (rasa/core/processor.py): the function that does each part of a turn.
PROCESSOR = "rasa/core/processor.py"
PHASES = {
    "fetch_tracker_and_update_session": RETRIEVE,
    "fetch_tracker_with_initial_session": RETRIEVE,
    "fetch_full_tracker_with_initial_session": RETRIEVE,
    "get_tracker": RETRIEVE,
    "parse_message": NLU,
    "predict_next_with_tracker": POLICIES,
    "_predict_next_with_tracker": POLICIES,
    "_run_action": ACTIONS,
    "run_action_extract_slots": ACTIONS,
    "execute_side_effects": ACTIONS,
    "save_tracker": SAVE,
}
# Its calls that copy events or slots for a debug log line, whether or not debug is on.
DEBUG_LOG_COPIES = {"_log_action_on_tracker", "run_action_extract_slots", "_log_slots", "parse_message"}
TRACKER_STORES = ("rasa/core/tracker_store.py", "assistant/plugins/tracker_store.py")
LOCK_STORES = ("rasa/core/lock_store.py", "rasa/core/lock.py", "assistant/plugins/lock_store.py")
JSON_MODULES = ("json/", "ujson", "orjson", "simplejson/")
SERIALISING_FUNCTIONS = {"as_dict", "current_state", "serialise", "dumps", "loads", "json", "load_json"}
HTTP_MODULES = ("sanic/", "sanic_routing/", "httptools/", "uvloop/", "asyncio/", "aiohttp/", "multidict/")
HTTP_FILES = ("rasa/core/channels/", "assistant/plugins/channels.py")
# Sanic compiles some of its functions at run time: py-spy names the "file" after the function.
SANIC_GENERATED = {"connection_task", "handle_request", "http1_response_header", "send", "read"}
ACTION_MODULES = ("rasa/core/actions/", "rasa/core/nlg/", "assistant/", "actions/")
SQL_MODULES = ("sqlalchemy/", "sqlite3/", "psycopg2/")
EVENT_FILES = ("rasa/shared/core/events.py", "rasa/shared/core/trackers.py", "rasa/shared/core/slots.py")
# Files of base classes whose methods a component inherits: the component is a frame further in.
BASE_FILES = {
    "rasa/nlu/tokenizers/tokenizer.py",
    "rasa/nlu/featurizers/featurizer.py",
    "rasa/nlu/featurizers/sparse_featurizer/sparse_featurizer.py",
    "rasa/nlu/featurizers/dense_featurizer/dense_featurizer.py",
    "rasa/nlu/classifiers/classifier.py",
    "rasa/nlu/extractors/extractor.py",
    "rasa/core/policies/policy.py",
}
# Files whose component class is not the file name in CamelCase.
COMPONENT_NAMES = {
    "spacy_utils": "SpacyNLP",
    "entity_synonyms": "EntitySynonymMapper",
    "sentence_featurizer": "SentenceEncoderFeaturizer",
    "memoization": "MemoizationPolicy",
    "ensemble": "PolicyPredictionEnsemble",
    "diet_classifier": "DIETClassifier",
    "ted_policy": "TEDPolicy",
    "unexpected_intent_policy": "UnexpecTEDIntentPolicy",
}
_SITE = re.compile(r".*/(?:site-packages|dist-packages)/")
_STDLIB = re.compile(r".*/lib/python3\.\d+/")
_PSEUDO_FRAME = re.compile(r'^(?:process \d+:"|thread \(0?x?[0-9A-Fa-f]+\))')
_FRAME = re.compile(r"^(?P<function>.*) \((?P<path>[^()]*?)(?::(?P<line>\d+))?\)$")


@dataclass(frozen=True)
class Frame:
    function: str
    path: str  # module path: "rasa/core/processor.py", "json/decoder.py", "assistant/plugins/nlg.py"


def module_path(path: str, root: Optional[str] = None) -> str:
    """A frame's file as a module path: site-packages, the standard library and `root` stripped."""
    for pattern in (_SITE, _STDLIB):
        match = pattern.match(path)
        if match:
            return path[match.end() :]
    root = root if root is not None else str(Path(__file__).resolve().parent.parent)
    if root and path.startswith(root.rstrip("/") + "/"):
        return path[len(root.rstrip("/")) + 1 :]
    return path


def parse_frame(text: str, root: Optional[str] = None) -> Frame:
    """One frame of py-spy's raw output: `function (path:line)`."""
    match = _FRAME.match(text)
    if not match:
        return Frame(text, "")
    return Frame(match["function"], module_path(match["path"], root))


def parse_raw(lines: Iterable[str], root: Optional[str] = None) -> Iterator[Tuple[List[Frame], int]]:
    """(frames from the outermost in, samples) per line of `py-spy record --format raw`.

    py-spy's own leading pseudo-frames (`process ...`, `thread ...`) are dropped.
    """
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        parts = [p for p in stack.split(";") if not _PSEUDO_FRAME.match(p)]
        yield [parse_frame(part, root) for part in parts], int(count)


def _camel(stem: str) -> str:
    return COMPONENT_NAMES.get(stem) or "".join(word.capitalize() for word in stem.split("_"))


def graph_component(frames: Sequence[Frame]) -> str:
    """The graph node's component in a stack (the frames after Rasa's `GraphNode.__call__`)."""
    for index, frame in enumerate(frames):
        if frame.path == "rasa/engine/graph.py" and frame.function == "__call__":
            for inner in frames[index + 1 :]:
                if inner.path.endswith(".py") and inner.path not in BASE_FILES:
                    return _camel(Path(inner.path).stem)
            return "graph node"
    if any(f.path.startswith(("dask/", "rasa/engine/")) for f in frames):
        return "graph runner (dask)"
    return "processor"


def _store_detail(frames: Sequence[Frame]) -> str:
    for frame in frames:
        if frame.path.startswith(SQL_MODULES):
            return "SQL"
        if frame.path.startswith(JSON_MODULES):
            return "JSON"
        if frame.path in EVENT_FILES or frame.path == "copy.py":
            return "events, replay"
    return "store code"


def _serialising(frame: Frame) -> bool:
    if frame.path.startswith(JSON_MODULES):
        return True
    return frame.function in SERIALISING_FUNCTIONS and frame.path.startswith(("rasa/", "sanic/"))


def classify(frames: Sequence[Frame]) -> Tuple[str, str]:
    """(bucket, detail) of one sampled stack, frames from the outermost in."""
    for index, frame in enumerate(frames):
        if frame.path.startswith(("logging/", "structlog/")):
            return LOGGING, frame.path.split("/")[0]
        caller = frames[index - 1] if index else None
        if (
            frame.path == "copy.py"
            and caller is not None
            and caller.path == PROCESSOR
            and caller.function in DEBUG_LOG_COPIES
        ):
            return LOGGING, f"deepcopy for a debug log ({caller.function})"
    for frame in frames:
        if frame.path in LOCK_STORES or frame.path.startswith("redis/"):
            return LOCKS, Path(frame.path).stem
    phase: Optional[str] = None
    for frame in frames:  # the innermost of the processor's parts
        if frame.path == PROCESSOR and frame.function in PHASES:
            phase = PHASES[frame.function]
    if phase is None:  # the stores called outside those parts: save or read
        store = next((f for f in frames if f.path in TRACKER_STORES), None)
        if store is not None:
            phase = SAVE if "save" in store.function or "additional" in store.function else RETRIEVE
    if phase in (RETRIEVE, SAVE):
        return phase, _store_detail(frames)
    serialising = next((f for f in frames if _serialising(f)), None)
    if serialising is not None:
        return SERIALISATION, f"{serialising.function} ({serialising.path})"
    if phase in (NLU, POLICIES):
        return phase, graph_component(frames)
    if phase == ACTIONS:
        inner = [f for f in frames if f.path.startswith(ACTION_MODULES)]
        return ACTIONS, Path(inner[-1].path).stem if inner else "processor"
    if any(f.path in ("rasa/core/agent.py", PROCESSOR) for f in frames):
        rasa = [f for f in frames if f.path.startswith("rasa/")]
        return OTHER, f"{rasa[-1].function} ({rasa[-1].path})"
    if any(f.path.startswith(HTTP_MODULES + HTTP_FILES) or f.path in SANIC_GENERATED for f in frames):
        return SANIC, Path(frames[-1].path).stem if frames else ""
    return OTHER, f"{frames[-1].function} ({frames[-1].path})" if frames else "empty"


def aggregate(stacks: Iterable[Tuple[List[Frame], int]]) -> Counter[Tuple[str, str]]:
    """Samples per (bucket, detail)."""
    counts: Counter[Tuple[str, str]] = Counter()
    for frames, samples in stacks:
        counts[classify(frames)] += samples
    return counts


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


@dataclass
class ProfileResult:
    label: str
    turns: int
    errors: int
    seconds: float
    cpu_main_ms_per_turn: float
    cpu_all_ms_per_turn: float
    p50_ms: float
    samples: Dict[str, Dict[str, int]]  # bucket -> detail -> samples
    load_average: str
    workers: int = 1

    @property
    def total_samples(self) -> int:
        return sum(sum(details.values()) for details in self.samples.values())

    def bucket_samples(self, bucket: str) -> int:
        return sum(self.samples.get(bucket, {}).values())

    def ms_per_turn(self, samples: int) -> float:
        total = self.total_samples
        return samples / total * self.cpu_main_ms_per_turn if total else float("nan")

    def as_dict(self) -> Dict[str, Any]:
        return {
            "label": self.label,
            "turns": self.turns,
            "errors": self.errors,
            "seconds": round(self.seconds, 1),
            "workers": self.workers,
            "cpu_main_thread_ms_per_turn": round(self.cpu_main_ms_per_turn, 2),
            "cpu_all_threads_ms_per_turn": round(self.cpu_all_ms_per_turn, 2),
            "p50_ms": round(self.p50_ms, 1),
            "total_samples": self.total_samples,
            "buckets": {
                bucket: {
                    "samples": self.bucket_samples(bucket),
                    "ms_per_turn": round(self.ms_per_turn(self.bucket_samples(bucket)), 2),
                    "details": dict(sorted(self.samples.get(bucket, {}).items(), key=lambda kv: -kv[1])),
                }
                for bucket in BUCKETS
            },
            "load_average": self.load_average,
        }


def nested(counts: Counter[Tuple[str, str]]) -> Dict[str, Dict[str, int]]:
    """{bucket: {detail: samples}} from samples per (bucket, detail)."""
    out: Dict[str, Dict[str, int]] = {}
    for (bucket, detail), samples in counts.items():
        details = out.setdefault(bucket, {})
        details[detail] = details.get(detail, 0) + samples
    return out


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


def table(results: Sequence[ProfileResult], details: int = 4) -> str:
    """Markdown: one row per bucket (and its largest details), % of samples and ms per turn per run."""
    header = ["bucket"] + [f"{r.label}: % / ms per turn" for r in results]
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * len(results)]
    for bucket in BUCKETS:
        cells = []
        for r in results:
            samples, total = r.bucket_samples(bucket), r.total_samples
            share = 100 * samples / total if total else float("nan")
            cells.append(f"{share:.1f}% / {r.ms_per_turn(samples):.2f}")
        lines.append(f"| {bucket} | " + " | ".join(cells) + " |")
        top: Counter[str] = Counter()
        for r in results:
            for detail, samples in r.samples.get(bucket, {}).items():
                top[detail] += samples
        if bucket in (NLU, POLICIES, RETRIEVE, SAVE) or len(top) > 1:
            for detail, _ in top.most_common(details):
                cells = []
                for r in results:
                    samples, total = r.samples.get(bucket, {}).get(detail, 0), r.total_samples
                    share = 100 * samples / total if total else float("nan")
                    cells.append(f"{share:.1f}% / {r.ms_per_turn(samples):.2f}")
                lines.append(f"| &nbsp;&nbsp;{detail} | " + " | ".join(cells) + " |")
    rows = [
        ("main threads, CPU ms per turn (/proc; the 100% above)", lambda r: f"{r.cpu_main_ms_per_turn:.2f}"),
        (
            "other threads (TF/ONNX pools, unsampled), CPU ms per turn",
            lambda r: f"{r.cpu_all_ms_per_turn - r.cpu_main_ms_per_turn:.2f}",
        ),
        ("all threads, CPU ms per turn", lambda r: f"{r.cpu_all_ms_per_turn:.2f}"),
        ("turns answered (errors) in s", lambda r: f"{r.turns} ({r.errors}) in {r.seconds:.0f}"),
        ("samples", lambda r: str(r.total_samples)),
        ("latency p50 (ms; wall, load-dependent)", lambda r: f"{r.p50_ms:.0f}"),
        ("load average at the end (1/5/15 min)", lambda r: r.load_average),
    ]
    for label, value in rows:
        lines.append(f"| {label} | " + " | ".join(value(r) for r in results) + " |")
    return "\n".join(lines)


def store_section(endpoints: str, store: str, database: Path) -> str:
    """`endpoints` with another tracker store: a dotted class path, or "rasa" (Rasa's, on `database`)."""
    from bench.run import rasa_sql_tracker_store, replace_tracker_store

    if store == "rasa":
        return rasa_sql_tracker_store(endpoints, database)
    return replace_tracker_store(endpoints, ["tracker_store:", f"  type: {store}"])


def main(argv: Optional[List[str]] = None) -> int:
    from bench.accuracy import holdout_examples
    from bench.run import rewrite_endpoints
    from bench.serve import cold_start, rasa_pid, serve
    from launcher.stack import MODEL, SERVING_ENV, Redis, StackError, serving_workers

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
    args = parser.parse_args(argv)
    extra_env = dict(item.split("=", 1) for item in args.env)
    texts = [text for text, _ in holdout_examples()]
    results: List[ProfileResult] = []
    out = args.keep or Path(tempfile.mkdtemp(prefix="crs-profile-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"profile: load average {load_average()} at start; files in {out}", flush=True)
    for size in args.cache_sizes.split(","):
        env = dict(extra_env)
        if size.strip() != "default":
            env["CRS_TRACKER_CACHE_SIZE"] = size.strip()
        label = f"cache {size.strip()}" + "".join(f", {k}={v}" for k, v in extra_env.items())
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
            return 1
        try:
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
            result = profile_served(
                pid, stack.rasa_url, texts, label, args.users, args.turns, args.seconds, work,
                spy=not args.no_spy, workers=args.workers,
            )  # fmt: skip
        finally:
            stack.stop()
        results.append(result)
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
