"""py-spy's raw stacks of a served Rasa parsed, and each put in one bucket by its frames' module paths.

Used by `bench.profile` (its docstring says how the buckets are ordered); no timing here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, Sequence, Tuple

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
