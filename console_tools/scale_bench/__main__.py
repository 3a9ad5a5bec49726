"""``python -m console_tools.scale_bench``; the child processes run it with an internal command."""

import sys

from console_tools.scale_bench.children import _internal
from console_tools.scale_bench.cli import main

if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
    sys.exit(_internal(sys.argv[1:]))
sys.exit(main())
