"""The app's triage quick filters and column (Pilot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.app.conftest import settle


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_triage_quick_filters_and_column(
    evals: Path, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(evals)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.rows.height == 13  # type: ignore[union-attr]
        await pilot.press("u")
        await settle(pilot)
        rows = app.rows
        assert rows is not None
        # Every wrong generation of a prompt gives the same wrong answer (2p + 1): a consensus
        # scored wrong where at most one of four is right — model_a p0, p1, p5; model_b p0, p5.
        shown = sorted((r, p.split(":")[0]) for r, p in rows.select("run", "prompt").rows())
        assert shown == [
            ("model_a", "Problem 0"),
            ("model_a", "Problem 1"),
            ("model_a", "Problem 5"),
            ("model_b", "Problem 0"),
            ("model_b", "Problem 5"),
        ]
        assert all("ref?" in text for text in rows["triage"].to_list())
        await pilot.press("l")  # every generation ends in \boxed{}: none hit the cap
        await settle(pilot)
        assert app.rows.height == 0  # type: ignore[union-attr]
        await pilot.press("l")  # again: off
        await settle(pilot)
        assert app.rows.height == 13  # type: ignore[union-attr]
