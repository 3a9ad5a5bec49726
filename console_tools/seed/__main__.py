"""``python -m console_tools.seed``."""

import sys

from console_tools.seed.cli import main

sys.exit(main())
