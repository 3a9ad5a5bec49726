"""Load on a running `make run` stack: does it answer everything, and keep the same Rasa server?

    CRS_RATE_LIMIT_ENABLED=false make run                      # terminal 1 (see "Rate limit")
    .venv/bin/python -m bench.serving_load                     # terminal 2: 2,000 + bursts
    .venv/bin/python -m bench.serving_load --rasa http://127.0.0.1:5005 --messages 300

Sends `--messages` messages one after another, each as a new conversation (a scripted
evaluation's pace), and every `--burst-every` messages a burst of `--burst-size`
conversations at once (`--burst-turns` messages each, in sequence). The messages are the
held-out questions of tests/data/nlu_holdout.yml. Every reply must be HTTP 200 with at
least one bot message; anything else is an error, counted by kind. Reports the latencies
(p50/p95/p99/max) of both kinds of load, and whether the Rasa server (the process listening
on `--rasa-port`, Sanic's parent, and its workers) is the same at the end as at the start:
it is looked at every 50 messages, so a restart in between is seen too.

Rate limit: the gateway's chat endpoint (POST /api/chat, web/chat/routes.py) allows one
client 30 messages a minute (CRS_RATE_LIMIT, `limits` notation, default "30/minute";
CRS_RATE_LIMIT_ENABLED). `make run` passes its environment to the gateway, so start it with
CRS_RATE_LIMIT_ENABLED=false (or e.g. CRS_RATE_LIMIT=100000/minute) for this script; a 429
stops the run with that advice. `--rasa URL` goes to Rasa's REST channel directly instead
(no gateway, no limit).

Exit status 0 when there was no error and the Rasa server stayed the same. A script to run
by hand, not a test: it needs the running stack.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from bench.accuracy import holdout_examples
from bench.load import percentile
from launcher.workers import EXITED_STATES, child_states, listening_pids

TIMEOUT = 60.0
LOOK_EVERY = 50  # messages between two looks at the Rasa server's processes


class RateLimited(RuntimeError):
    """The gateway refused a message with 429."""


@dataclass
class Tally:
    latencies: List[float] = field(default_factory=list)  # seconds, answered messages only
    errors: Dict[str, int] = field(default_factory=dict)  # kind -> count

    def add(self, latency: float, error: Optional[str]) -> None:
        if error is None:
            self.latencies.append(latency)
        else:
            self.errors[error] = self.errors.get(error, 0) + 1

    def summary(self) -> Dict[str, Any]:
        ms = [round(1000 * percentile(self.latencies, q)) if self.latencies else None for q in (50, 95, 99)]
        return {
            "answered": len(self.latencies),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "p50_ms": ms[0],
            "p95_ms": ms[1],
            "p99_ms": ms[2],
            "max_ms": round(1000 * max(self.latencies)) if self.latencies else None,
        }


@dataclass(frozen=True)
class Target:
    """Where a message goes: the gateway's chat API, or Rasa's REST channel."""

    url: str
    gateway: bool
    # The gateway's conversation token of each of our conversation names (POST /api/conversations).
    tokens: Dict[str, str] = field(default_factory=dict, compare=False)

    def _token(self, sender: str) -> str:
        if sender not in self.tokens:
            request = urllib.request.Request(f"{self.url}/api/conversations", data=b"{}", method="POST",
                                             headers={"Content-Type": "application/json"})  # fmt: skip
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                self.tokens[sender] = str(json.loads(response.read())["conversation"])
        return self.tokens[sender]

    def send(self, sender: str, text: str) -> Tuple[float, Optional[str]]:
        """(seconds, None) for an answer; (seconds, kind of error) otherwise."""
        if self.gateway:
            try:
                token = self._token(sender)
            except urllib.error.HTTPError as error:
                if error.code == 429:
                    raise RateLimited(sender) from None
                return 0.0, f"HTTP {error.code} starting a conversation"
            except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
                return 0.0, f"{type(error).__name__} starting a conversation"
            address, body = f"{self.url}/api/chat", {"sender": token, "message": text}
        else:
            address, body = f"{self.url}/webhooks/rest/webhook", {"sender": sender, "message": text}
        request = urllib.request.Request(
            address, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                reply = json.loads(response.read())
        except urllib.error.HTTPError as error:
            if error.code == 429:
                raise RateLimited(sender) from None
            return time.perf_counter() - start, f"HTTP {error.code}"
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            return time.perf_counter() - start, type(reason).__name__
        except ValueError:
            return time.perf_counter() - start, "not JSON"
        messages = reply.get("messages") if self.gateway and isinstance(reply, dict) else reply
        answered = isinstance(messages, list) and len(messages) > 0
        return time.perf_counter() - start, None if answered else "no bot message"


@dataclass(frozen=True)
class RasaProcesses:
    """Sanic's parent (the Rasa server) and its live workers, from /proc."""

    server: Optional[int]
    workers: Tuple[int, ...]

    @classmethod
    def look(cls, port: int) -> RasaProcesses:
        holders = set(listening_pids(port))
        parents = [pid for pid in holders if _parent(pid) not in holders]
        server = min(parents) if parents else None
        children = child_states(server) if server is not None else {}
        return cls(server, tuple(sorted(p for p, state in children.items() if state not in EXITED_STATES)))

    def describe(self) -> str:
        return f"Rasa server pid {self.server}, workers {list(self.workers)}"


def _parent(pid: int) -> Optional[int]:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def run_load(
    target: Target,
    texts: Sequence[str],
    messages: int,
    burst_every: int,
    burst_size: int,
    burst_turns: int,
    rasa_port: int,
    log: Callable[[str], None] = print,
) -> Dict[str, Any]:
    run_id = uuid.uuid4().hex[:8]
    sequential, bursts = Tally(), Tally()
    first = RasaProcesses.look(rasa_port)
    looks = [first]
    log(f"{first.describe()}; {messages} messages, a burst of {burst_size} conversations every {burst_every}")

    def conversation(index: int, burst: int) -> List[Tuple[float, Optional[str]]]:
        sender = f"load-{run_id}-b{burst}-{index}"
        return [target.send(sender, texts[(burst * 7 + index + t) % len(texts)]) for t in range(burst_turns)]

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, burst_size)) as pool:
        for number in range(1, messages + 1):
            sequential.add(*target.send(f"load-{run_id}-{number}", texts[number % len(texts)]))
            if burst_every and number % burst_every == 0 and burst_size:
                for results in pool.map(conversation, range(burst_size), [number] * burst_size):
                    for latency, error in results:
                        bursts.add(latency, error)
            if number % LOOK_EVERY == 0:
                looks.append(RasaProcesses.look(rasa_port))
                if looks[-1] != looks[-2]:
                    log(f"after {number} messages: {looks[-1].describe()} (was: {looks[-2].describe()})")
            if number % 200 == 0:
                errors = sum(sequential.errors.values()) + sum(bursts.errors.values())
                log(f"{number} messages, {errors} errors")
    looks.append(RasaProcesses.look(rasa_port))
    servers = sorted({look.server for look in looks if look.server is not None})
    return {
        "target": target.url,
        "through_gateway": target.gateway,
        "seconds": round(time.monotonic() - start, 1),
        "sequential": sequential.summary(),
        "bursts": bursts.summary(),
        "rasa_servers_seen": servers,
        "rasa_server_same": first.server is not None and all(look.server == first.server for look in looks),
        "rasa_workers_same": all(look.workers == first.workers for look in looks),
        "rasa_workers": list(first.workers),
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serving_load", description=__doc__.split("\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--gateway", default="http://127.0.0.1:8000", help="the gateway (default)")
    where.add_argument("--rasa", help="Rasa's REST channel instead, e.g. http://127.0.0.1:5005")
    parser.add_argument("--rasa-port", type=int, default=5005, help="where the Rasa server listens")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--burst-every", type=int, default=200, help="messages between bursts (0: none)")
    parser.add_argument("--burst-size", type=int, default=50, help="conversations at once in a burst")
    parser.add_argument("--burst-turns", type=int, default=2, help="messages of each burst conversation")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    target = Target(args.rasa.rstrip("/"), False) if args.rasa else Target(args.gateway.rstrip("/"), True)
    texts = [text for text, _ in holdout_examples()]
    try:
        figures = run_load(
            target, texts, args.messages, args.burst_every, args.burst_size, args.burst_turns, args.rasa_port
        )
    except RateLimited:
        print(
            "The gateway answered 429 (its per-client limit, CRS_RATE_LIMIT, default 30/minute). Start "
            "`make run` with CRS_RATE_LIMIT_ENABLED=false for this script, or pass --rasa "
            f"http://127.0.0.1:{args.rasa_port} to go to Rasa's REST channel directly.",
            file=sys.stderr,
        )
        return 2
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    errors = figures["sequential"]["errors"] + figures["bursts"]["errors"]
    return 0 if errors == 0 and figures["rasa_server_same"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
