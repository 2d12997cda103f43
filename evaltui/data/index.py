"""Where each prompt's generations are: built once per load result, so opening a prompt of a
million finds its rows by binary search instead of filtering every generation (~0.2 s at 2M
generations, on the UI thread)."""

from __future__ import annotations

import polars as pl


class PromptIndex:
    """The row numbers of each (run, prompt_id)'s generations in ``generations``: per run, its
    rows sorted by prompt id (exact keys: no separator joins a run to an id)."""

    def __init__(self, generations: pl.DataFrame) -> None:
        self.generations = generations
        """The frame indexed (a lookup answers for this very frame only)."""
        rows = generations.select("run", "prompt_id").with_row_index("_row")
        self._runs: dict[str, pl.DataFrame] = {
            str(key[0]): part.drop("run").sort("prompt_id", "_row")
            for key, part in rows.partition_by("run", as_dict=True).items()
        }

    def rows(self, runs: list[str], prompt_id: str) -> pl.Series:
        """The row numbers of ``prompt_id``'s generations in these runs, ascending."""
        found = []
        for run in runs:
            part = self._runs.get(run)
            if part is None:
                continue
            ids = part.get_column("prompt_id")
            start = int(ids.search_sorted(prompt_id, "left"))
            end = int(ids.search_sorted(prompt_id, "right"))
            found.append(part.get_column("_row").slice(start, end - start))
        if not found:
            return pl.Series("_row", [], dtype=pl.UInt32)
        return pl.concat(found).sort()

    def generations_of(self, runs: list[str], prompt_id: str) -> pl.DataFrame:
        """What ``generations.with_row_index("_row").filter(run in runs, prompt_id)`` is."""
        rows = self.rows(runs, prompt_id)
        return (
            self.generations[rows]
            .with_columns(rows.alias("_row"))
            .select("_row", *self.generations.columns)
        )
