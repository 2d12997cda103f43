"""The names people read for the Stats table's columns, in one place.

The app's table headers and sort menu show :func:`display_name`; the filter language, ``--where``
and sorting accept either that name or the column's own name (which is also its combined-JSON key),
through :func:`resolve_column`. A display name with spaces is written with backquotes
(`` `max len` ``) or with underscores (``max_len``).
"""

from __future__ import annotations

from collections.abc import Iterable

#: Column (= combined-JSON key) -> the short name shown on screen. Columns not listed show as
#: themselves (``pass@8``, ``maj@16``, ``agreement``, ``prompt``).
DISPLAY_NAMES: dict[str, str] = {
    "count": "n",
    "average_accuracy": "accuracy",
    "total_accuracy_count": "total score",
    "n_correct": "correct",
    "n_scored": "scored",
    "n_truncated": "truncated",
    "max_gen_length": "max len",
    "min_gen_length": "min len",
    "avg_gen_length": "avg len",
    "median_gen_length": "med len",
    "gen_lengths": "lengths",
    "prompt_id": "id",
    "n_unique_answers": "distinct",
    "answer_conflict": "conflict",
    "prompt_score": "prompt score",
    "stored_average_accuracy": "stored acc",
    "n_flipped": "disagree",
}


#: What the per-prompt mean score (``average_accuracy``) is shown as when a run's score is not an
#: accuracy (a continuous metric); accepted wherever a column name is, like display names.
MEAN_SCORE = "mean score"
#: The same for the stored scores' mean beside a re-score's (``stored acc``): a run whose stored
#: score is a bleu or an mae has a mean of 19.7 or inf there, no accuracy.
STORED_MEAN_SCORE = "stored score"
ALIASES: dict[str, str] = {
    MEAN_SCORE: "average_accuracy",
    STORED_MEAN_SCORE: "stored_average_accuracy",
}


def display_name(column: str) -> str:
    """The name a column is shown under (its own name when it has no shorter one)."""
    return DISPLAY_NAMES.get(column, column)


def _spelled(name: str) -> str:
    return name.replace(" ", "_").lower()


def resolve_column(name: str, columns: Iterable[str]) -> str | None:
    """The column ``name`` refers to among ``columns``: its own name, its display name (spaces or
    underscores), in that order, then either without regard to case. None when nothing matches."""
    present = list(columns)
    if name in present:
        return name
    by_display = {display_name(c): c for c in present}
    by_display.update({alias: c for alias, c in ALIASES.items() if c in present})
    if name in by_display:
        return by_display[name]
    wanted = _spelled(name)
    for column in present:
        if _spelled(column) == wanted:
            return column
    for label, column in by_display.items():
        if _spelled(label) == wanted:
            return column
    return None


def known_names(columns: Iterable[str]) -> list[str]:
    """Every name :func:`resolve_column` accepts for ``columns`` (for suggestions and help)."""
    names: list[str] = []
    for column in columns:
        names.append(column)
        label = display_name(column)
        if label != column:
            names.append(label.replace(" ", "_"))
        names += [alias.replace(" ", "_") for alias, c in ALIASES.items() if c == column]
    return names
