"""Standard output as the headless commands write to it. A module of its own, importing nothing
heavy: :func:`evaltui.cli.main` catches :class:`StandardOutputFailed` and must not import
polars before ``--num-proc`` has sized its pool."""

from __future__ import annotations


class StandardOutputFailed(Exception):
    """Text for standard output (a table, a report, a list) could not be written there for
    another reason than a reader that left (``> /dev/full``, ``>&-``): the command says so and
    ends with exit 1. Defined outside ``evaltui/cli.py``, which runs as ``__main__`` under
    ``python -m evaltui.cli``: a class of that file would not be the one the commands raise."""
