"""``python -m evaltui``: the ``evaltui`` command, for a checkout whose script is not installed."""

from __future__ import annotations

import sys

from evaltui.cli import main

if __name__ == "__main__":
    sys.exit(main())
