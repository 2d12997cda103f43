"""``python -m evaltui``: the same entry point as the ``evaltui`` console script (for a checkout
or a venv whose script is not on PATH)."""

from __future__ import annotations

import sys

from evaltui.cli import main

if __name__ == "__main__":
    sys.exit(main())
