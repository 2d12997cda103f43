"""``python -m evaltui``: the same entry point as the ``evaltui`` console script."""

from __future__ import annotations

import sys

from evaltui.cli import main

if __name__ == "__main__":
    sys.exit(main())
