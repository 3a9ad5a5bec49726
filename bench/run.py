"""One command, one machine, one run: the project's bot against Rasa's default configuration.

    .venv/bin/python -m bench.run            # train both into a temp dir, serve, load, report
    .venv/bin/python -m bench.run --soak-minutes 20   # the same, then the soak (bench/soak.py)

For each bot: training time (from scratch, Rasa's cache off), cold start, memory
after warm-up, single-user latency, 10 and 50 concurrent conversations through
the REST channel, one long session (bench/session.py: one sender, 300 questions in a
row, the median of turns 1-10 against 291-300), and held-out accuracy. Writes
results/bench.md and results/bench.json. The project's config is read from config.yml
as it is now.

Tracker stores, both SQL over a SQLite file of their own: the project's as `make run`
serves it (endpoints.yml: `SettingsSQLTrackerStore`, with its tracker cache), Rasa's
default bot with Rasa's own `SQLTrackerStore` (`rasa_sql_tracker_store`).

Optional, after all that and only when asked (`--soak-minutes N`): the soak of
bench/soak.py, the project's model served as `make run` serves it, at half its
measured capacity for N minutes; its own section of the report and "soak" in the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from bench.accuracy import holdout_examples
from bench.configs import write_baseline_config
from bench.load import percentile, run_load
from bench.memory import group_memory_mb
from bench.report import session_table, table
from bench.serve import cold_start, rasa_pid, serve
from bench.session import run_session
from bench.soak import report as soak_report
from bench.soak import soak_model
from bench.train import train
from launcher.scale import lock_store_yaml
from launcher.stack import QUIET_ENV, RASA_BIN, ROOT, SERVING_ENV, Stack, StackError

RESULTS = ROOT / "results"
# The project is measured with its serving settings, the launcher's SERVING_ENV (as in
# docker-compose.yml and deploy/k8s): one TensorFlow thread (tiny models; Rasa predicts
# on its event loop) and two glibc malloc arenas instead of one per thread (TensorFlow
# starts dozens of threads). The baseline gets none of them (Rasa's defaults).
# "project-2w" adds a second Sanic worker (SANIC_WORKERS=2, which Rasa allows only with
# a shared lock store: the atomic Redis lock store).
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 1
# bench.turn_cost's figures (the same model in process, so also the two-worker column's).
TURN_COST_KEYS = ("turn_cpu_first_ms", "turn_cpu_last_ms")


def _ms(value: float) -> float:
    return value * 1000


def replace_tracker_store(endpoints: str, section: Sequence[str]) -> str:
    """`endpoints` (endpoints.yml's text) with its `tracker_store:` section replaced by `section`'s lines."""
    lines = endpoints.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.split("#")[0].rstrip() == "tracker_store:")
    except StopIteration:
        raise ValueError("no top-level `tracker_store:` section in the endpoints") from None
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t"):
        end += 1
    return "\n".join([*lines[:start], *section, "", *lines[end:]]) + "\n"


def rasa_sql_tracker_store(endpoints: str, database: Path) -> str:
    """`endpoints` with Rasa's own SQLTrackerStore over the SQLite file `database` (the baseline's)."""
    section = ["tracker_store:  # bench: Rasa's own SQLTrackerStore", "  type: SQL", "  dialect: sqlite"]
    return replace_tracker_store(endpoints, [*section, f"  db: {json.dumps(str(database))}"])


def rewrite_endpoints(stack: Stack, change: Callable[[str], str]) -> None:
    """Before the deferred Rasa of `stack` starts: `change` the text of its endpoints file."""
    command = stack.services["rasa"].command
    if "--endpoints" not in command:
        raise StackError("the Rasa command names no endpoints file")
    path = Path(command[command.index("--endpoints") + 1])
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def faq_texts(examples: Sequence[Tuple[str, str]]) -> List[str]:
    """The texts of the FAQ questions (label `faq/<key>`) among (text, label) pairs; all texts if none."""
    return [text for text, label in examples if label.startswith("faq/")] or [text for text, _ in examples]


def measure_bot(
    name: str,
    model: Path,
    work: Path,
    env: Mapping[str, str],
    serving_env: Optional[Mapping[str, str]],
    extra: str,
    examples: Sequence[Tuple[str, str]],
    quick: bool,
    session_turns: int = 0,
    rasa_store: bool = False,
) -> Dict:
    """Serve `model` and measure it with the texts of (text, label) `examples`.

    `rasa_store`: with Rasa's own SQLTrackerStore (the baseline) instead of endpoints.yml's;
    `session_turns`: then one session of that many FAQ questions (0: none).
    """
    figures: Dict[str, Any] = {}
    texts = [text for text, _ in examples]
    stack = serve(model, work, name, env, extra, serving_env)
    try:
        if rasa_store:
            rewrite_endpoints(stack, lambda text: rasa_sql_tracker_store(text, work / f"{name}.db"))
        figures["cold_start_s"] = cold_start(stack)
        run_load(stack.rasa_url, texts, users=4, per_user=5)  # warm-up: every code path once
        pid = rasa_pid(stack)
        assert pid is not None
        figures.update(group_memory_mb(pid))
        single = run_load(stack.rasa_url, texts, users=1, per_user=20 if quick else 80)
        figures.update(
            single_p50_ms=_ms(percentile(single.latencies, 50)),
            single_p95_ms=_ms(percentile(single.latencies, 95)),
            single_p99_ms=_ms(percentile(single.latencies, 99)),
            single_errors=single.errors,
        )
        for users, per_user in ((10, 3 if quick else 10), (50, 2 if quick else 6)):
            result = run_load(stack.rasa_url, texts, users=users, per_user=per_user)
            figures.update(
                {
                    f"c{users}_rps": result.throughput,
                    f"c{users}_p50_ms": _ms(percentile(result.latencies, 50)),
                    f"c{users}_p95_ms": _ms(percentile(result.latencies, 95)),
                    f"c{users}_p99_ms": _ms(percentile(result.latencies, 99)),
                    f"c{users}_errors": result.errors,
                    f"c{users}_messages": users * per_user,
                }
            )
        figures["rss_after_load_mb"] = group_memory_mb(pid)["rss_mb"]
        if session_turns > 0:
            figures.update(run_session(stack.rasa_url, faq_texts(examples), session_turns, pid).figures())
    finally:
        stack.stop()
    return figures


def in_process(module: str, model: Path) -> Dict[str, Any]:
    """Run `python -m module MODEL` in the Rasa venv; its last line of JSON."""
    env = {**os.environ, **QUIET_ENV, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [str(RASA_BIN / "python"), "-m", module, str(model)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--project-model", type=Path, help="skip training the project; use this model")
    parser.add_argument("--baseline-model", type=Path, help="skip training the baseline; use this model")
    parser.add_argument("--quick", action="store_true", help="fewer messages (a smoke run, not figures)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (models, logs)")
    parser.add_argument("--resume", type=Path, help="a kept work dir: reuse its models and training times")
    parser.add_argument("--soak-minutes", type=float, default=0.0, help="then soak the project (0: no)")
    parser.add_argument(
        "--session-turns", type=int, help="turns of the long session (default 300, 30 with --quick; 0: none)"
    )
    return parser


def _train_models(
    models: Dict[str, Any], work: Path, trained: Dict[str, Any], bots: Dict[str, Dict[str, Any]]
) -> None:
    """Train the project and the baseline where `models` has none; their training times into `bots`."""
    configs = {"project": ROOT / "config.yml", "baseline": write_baseline_config(work)}
    for name in ("project", "baseline"):
        if models[name] is None:
            print(f"bench: training {name} ({configs[name].name})...", flush=True)
            models[name], seconds = train(configs[name], work, name, work / f"train-{name}.log")
            trained[name] = seconds
            (work / "train.json").write_text(json.dumps(trained))
            print(f"bench:   {seconds:.0f}s", flush=True)
        bots[name]["train_s"] = trained.get(name)


def _serve_and_load(
    models: Dict[str, Any],
    work: Path,
    examples: Sequence[Tuple[str, str]],
    quick: bool,
    session_turns: int,
    bots: Dict[str, Dict[str, Any]],
) -> None:
    """Serve each bot (the project with one and two workers, the baseline) and measure it under load."""
    prefix = f"crsbench{uuid.uuid4().hex[:8]}"
    two_workers_locks = lock_store_yaml(REDIS_HOST, REDIS_PORT, REDIS_DB, key_prefix=prefix)
    serving: Dict[str, Tuple[Dict[str, str], Optional[Mapping[str, str]], str]] = {
        "project": ({}, SERVING_ENV, ""),
        "project-2w": ({"SANIC_WORKERS": "2"}, SERVING_ENV, two_workers_locks),
        "baseline": ({}, None, ""),
    }
    for name, (env, serving_env, extra) in serving.items():
        print(f"bench: serving and loading {name}...", flush=True)
        model = models["baseline" if name == "baseline" else "project"]
        assert model is not None
        turns = session_turns if name in ("project", "baseline") else 0
        baseline = name == "baseline"
        measured = measure_bot(
            name, model, work, env, serving_env, extra, examples, quick, turns, rasa_store=baseline
        )
        bots[name].update(measured)
        (work / "partial.json").write_text(json.dumps(bots, indent=2))


def _in_process_figures(models: Dict[str, Any], bots: Dict[str, Dict[str, Any]]) -> None:
    """Accuracy, the turn breakdown and the CPU per turn, measured in a process of their own."""
    for name in ("project", "baseline"):
        print(f"bench: accuracy and turn breakdown of {name}...", flush=True)
        bots[name]["accuracy"] = in_process("bench.accuracy", models[name])["accuracy"]
        bots[name].update(in_process("bench.breakdown", models[name]))
    print("bench: CPU per turn through one long conversation of the project (bench.turn_cost)...", flush=True)
    bots["project"].update(in_process("bench.turn_cost", models["project"]))
    for key in ("train_s", "accuracy", "nlu_p50_ms", "policy_p50_ms", *TURN_COST_KEYS):
        bots["project-2w"][key] = bots["project"].get(key)


def _end_notes(meta: Dict[str, Any], resumed: bool, work: Path) -> None:
    meta["load average at end"] = load_average()
    if resumed:
        meta["training"] = f"times from the kept run in {work} (same machine, same session)"
    meta["project serving settings"] = ", ".join(f"{k}={v}" for k, v in SERVING_ENV.items())
    meta["project-2w"] = "the same model and settings, SANIC_WORKERS=2 (atomic Redis lock store)"
    meta["baseline serving settings"] = "Rasa's defaults"
    meta["tracker stores"] = (
        "SQLite files of their own; the project's SettingsSQLTrackerStore (endpoints.yml, tracker cache "
        "of CRS_TRACKER_CACHE_SIZE, default 64), the baseline Rasa's SQLTrackerStore"
    )


def _report(bots: Dict[str, Dict[str, Any]], meta: Dict[str, Any], session_turns: int) -> str:
    text = table(bots)
    if session_turns > 0:
        text += "\n\n" + session_table({n: bots[n] for n in ("project", "baseline")})
    notes = "\n".join(f"- {key}: {value}" for key, value in meta.items())
    return f"# Benchmark: project vs Rasa's default configuration\n\n{text}\n\n{notes}\n"


def main(argv: Optional[list] = None) -> int:
    args = _parser().parse_args(argv)
    session_turns = args.session_turns if args.session_turns is not None else 30 if args.quick else 300

    work = args.resume or Path(tempfile.mkdtemp(prefix="crs-bench-"))
    trained = json.loads((work / "train.json").read_text()) if args.resume else {}
    if args.resume:
        args.project_model, args.baseline_model = work / "project.tar.gz", work / "baseline.tar.gz"
    examples = holdout_examples()
    texts = [text for text, _ in examples]
    meta: Dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}",
        "load average at start": load_average(),
        "work dir": str(work),
    }
    print(f"bench: work dir {work}; load average {meta['load average at start']}", flush=True)
    bots: Dict[str, Dict[str, Any]] = {"project": {}, "project-2w": {}, "baseline": {}}
    models: Dict[str, Any] = {"project": args.project_model, "baseline": args.baseline_model}
    _train_models(models, work, trained, bots)
    _serve_and_load(models, work, examples, args.quick, session_turns, bots)
    _in_process_figures(models, bots)
    _end_notes(meta, bool(args.resume), work)
    report = _report(bots, meta, session_turns)
    soaked: Dict[str, Any] = {}

    # Optional, separate step: the soak (bench/soak.py). Off unless --soak-minutes is given.
    if args.soak_minutes > 0:
        print(f"bench: soak of the project, {args.soak_minutes:g} minutes...", flush=True)
        project = models["project"]
        assert project is not None
        soak = soak_model(project, work, texts, args.soak_minutes, log=lambda line: print(line, flush=True))
        soaked["soak"] = soak.as_dict()
        report += "\n" + soak_report(soak)

    print("\n" + report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench.md").write_text(report, encoding="utf-8")
    figures: Dict[str, Any] = {"meta": meta, **bots, **soaked}
    (RESULTS / "bench.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    if not args.keep:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
