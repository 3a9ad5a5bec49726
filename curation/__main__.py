"""python -m curation FILE [--accept-all | --dry-run] [--no-train]: see curation/cli.py."""

from curation.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
