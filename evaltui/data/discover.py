"""Find the input files: directories walked recursively, a glob pattern, plain file paths."""

from __future__ import annotations

import errno
import fnmatch
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from stat import S_ISDIR, S_ISFIFO, S_ISSOCK
from stat import S_ISREG as stat_is_file

from evaltui.data.schema import clean_text

#: Why a pipe (``<(zcat x.gz)``, a FIFO) is no input: a file is read more than once.
PIPE_INPUT = (
    "a pipe, not a file: evaltui reads its input files more than once (the lengths, then an "
    "export's records); save it to a file first"
)


def not_a_file(mode: int) -> str | None:
    """Why a path of this mode is no input file (a pipe, a socket, a device), or None."""
    if stat_is_file(mode) or S_ISDIR(mode):
        return None
    if S_ISFIFO(mode):
        return PIPE_INPUT
    return f"a {'socket' if S_ISSOCK(mode) else 'device'}, not a file"


class InputError(Exception):
    """The input paths cannot be used at all (missing, no matching file). One line for the user."""


class NoInputFile(InputError):
    """Every input path exists, but no file in them matches (yet): an empty folder, or one with
    only files of no known kind. An error for a load; following waits for the first file."""


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """Which version of a file was read: taken before reading, compared before trusting it again.

    The cache keys a file's rows by it, and exporting original records re-reads the file at the
    byte offsets of this version, so both must notice a file that was appended to or replaced.
    """

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        """The file's identity now (``OSError`` when it cannot be looked at)."""
        stat = path.stat()
        return cls(stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def changed(self, path: Path) -> bool:
        """True when ``path`` is no longer this version (or is gone)."""
        try:
            return FileIdentity.of(path) != self
        except OSError:
            return True


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    source: str
    """Path shown to users and written to exports: relative to the common root of the inputs."""
    size: int
    identity: FileIdentity | None = None
    """The file's version when it was found (None when not taken)."""
    named: bool = False
    """Named directly as an input (not found in a folder): an export of original records is then
    read as the eval data it is (see :func:`evaltui.data.marks.written_by_evaltui`)."""
    renamed: tuple[Path, Path] | None = None
    """The folder of the PATH the file was found under, as read and as the user named it, when
    the two names differ (a PATH that is a link to a run's folder): see :func:`renamed_root`.
    Readers label runs by the name given (:attr:`ReadOptions.renamed`)."""
    given: int = 0
    """Which PATH (its place among those given) the file was found under: a ``--label`` given
    once per PATH names its runs (:attr:`~evaltui.data.formats.base.ReadOptions.labels`)."""


def natural_key(source: str) -> tuple[list[list[object]], str]:
    # shard_2 before shard_10 (people name files with unpadded numbers), and out.jsonl before
    # out2.jsonl: the extension is compared last. Each folder of the path is compared apart:
    # compared as one text, 'r_mae/d.jsonl' came after 'r_mae2/d.jsonl' ('r_mae' then 2 beside
    # 'r_mae/d'), the run r_mae2 before r_mae. re.split with a group keeps str/int
    # alternating, so two keys never compare a str with an int. Decimal digits only: ``²`` is
    # a digit to ``str.isdigit`` but no number to ``int`` (a file run1².jsonl stopped the load).
    stem = source.rsplit(".", 1)[0] if "." in source.rsplit("/", 1)[-1] else source
    return [
        [int(p) if p.isdecimal() else p for p in re.split(r"(\d+)", part)]
        for part in stem.split("/")
    ], source


def _matches(rel: str, pattern: str | None, extensions: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    if pattern is None:
        return name.lower().endswith(extensions)
    if "/" in pattern:
        return fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern.lstrip("*/"))
    return fnmatch.fnmatch(name, pattern)


def named_outside(files: Sequence[InputFile], pattern: str | None) -> list[InputFile]:
    """The files named directly (a PATH that is a file: taken whatever ``pattern`` says) that
    ``pattern`` would not have chosen in their folder."""
    if pattern is None:
        return []
    whole = "*/" + pattern.lstrip("*/")
    return [
        f
        for f in files
        if f.named
        and not _matches(f.source, pattern, ())
        and not ("/" in pattern and fnmatch.fnmatch(f.path.as_posix(), whole))
    ]


def discover(
    paths: Sequence[str | os.PathLike[str]],
    pattern: str | None = None,
    extensions: tuple[str, ...] = (".jsonl",),
    unreadable: list[tuple[str, str]] | None = None,
) -> list[InputFile]:
    """Every matching file under ``paths``, without duplicates: in the order the paths are
    given, the files under each in natural order of their path.

    ``pattern`` is a glob on the file name (``inference_*.jsonl``), or on the relative path when it
    holds a ``/``; None means any file whose name ends with one of ``extensions``. A file named
    directly is always taken. Hidden directories (``.git``, ``.cache``) are not entered; symbolic
    links to directories are followed (each directory once, so loops end).

    Nothing is left out silently: a directory that cannot be listed, or whose files cannot be
    looked at, is appended to ``unreadable`` as ``(source, reason)``. Names that are not UTF-8
    are read all the same and shown with their odd bytes as ``\\xNN``.
    """
    if not paths:
        raise InputError("no input path given")
    problems: list[tuple[str, str]] = []
    resolved: list[tuple[Path, bool]] = []
    renames: list[tuple[Path, Path] | None] = []
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            # Before resolving: /dev/fd/63 (a shell's <(…)) resolves to a name that is not there.
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            raise InputError(f"{_shown(raw)}: no such file or directory") from None
        except OSError as exc:  # a symlink loop, a folder on the way that cannot be entered
            raise InputError(f"{_shown(raw)}: {exc.strerror or exc}") from None
        why = not_a_file(mode)
        if why is not None:  # a FIFO would be waited on for ever
            raise InputError(f"{_shown(raw)}: {why}")
        resolved.append((path.resolve(), path.is_dir()))
        renames.append(renamed_root(path))
    roots = [p if is_dir else p.parent for p, is_dir in resolved]
    common = Path(os.path.commonpath([str(r) for r in roots]))

    prefix = os.path.join(str(common), "")  # "/a/b/" (or "/" for the root itself)

    def source(path: Path | str) -> str:
        text = str(path)
        if text.startswith(prefix):  # the common case, without pathlib's parsing
            return _shown(text[len(prefix) :].replace(os.sep, "/"))
        return _shown(Path(path).relative_to(common).as_posix())

    found: dict[Path, InputFile] = {}
    given: dict[Path, int] = {}  # the PATH each file was found under first, by its place
    first_named: dict[Path, int] = {}  # each PATH read, by where it leads: the first naming it
    for at, (path, is_dir) in enumerate(resolved):
        before = first_named.setdefault(path, at)
        if before != at and renames[before] != renames[at]:
            # Two names of one folder (two links to one run's output): read once, under the
            # first name, and said; the second was dropped without a word ('only 1 run').
            problems.append(
                (
                    _shown(paths[at]),
                    f"the same {'folder' if is_dir else 'file'} as {_shown(paths[before])}"
                    + f" ({_shown(path)}): read once",
                )
            )
            continue
        if not is_dir:
            given.setdefault(path, at)
            try:
                info = path.stat()
            except OSError as exc:
                raise InputError(f"{_shown(path)}: cannot read: {exc.strerror or exc}") from None
            item = InputFile(
                path, source(path), info.st_size, _of_stat(info), named=True, renamed=renames[at]
            )
            found.setdefault(path, item)
            continue
        others: list[str] = []
        matched = _walk(path, pattern, extensions, source, problems, others, renames[at])
        if not matched and len(resolved) == 1:
            from evaltui.data.formats import COMPRESSED_SUFFIXES

            # The extensions read: a compressed copy (.jsonl.gz) is found only to be listed as
            # skipped (not read), and named among the known ones it was taken to be read.
            read = [e for e in extensions if not e.endswith(COMPRESSED_SUFFIXES)]
            what = (
                f"matching {pattern!r}"
                if pattern
                else "with a known extension (" + ", ".join(read or extensions) + ")"
            )
            detail = "; ".join(f"{where}: {why}" for where, why in problems[:3])
            raise NoInputFile(
                f"{_shown(path)}: no file {what}"
                + (f" ({detail})" if detail else "")
                + _others_said(others, pattern)
            )
        for item in matched:
            found.setdefault(item.path, item)
            given.setdefault(item.path, at)
    # In the order the PATHs were given, each one's files in natural order: the runs are in
    # that order (compare's A and B: 'compare r_mae2 r_mae' compared r_mae with r_mae2).
    files = _once_each(
        [
            replace(f, given=given[f.path]) if given[f.path] else f
            for f in sorted(found.values(), key=lambda f: (given[f.path], natural_key(f.source)))
        ],
        problems,
    )
    if unreadable is not None:
        unreadable.extend(problems)
    if not files:
        detail = "; ".join(f"{where}: {why}" for where, why in problems[:3])
        raise NoInputFile(
            "no matching input file in "
            + ", ".join(_shown(p) for p in paths)
            + (f" ({detail})" if detail else "")
        )
    return files


def _once_each(files: list[InputFile], problems: list[tuple[str, str]]) -> list[InputFile]:
    """``files`` with each file once: a second name of one (``latest.jsonl`` linked to
    ``inference_3.jsonl`` beside it, a hard link) is left out, said in ``problems``. Its
    generations were read twice, as a run of their own, and a line appended while followed
    came twice. The name kept is the file's own (not a symbolic link), else the first."""
    names: dict[tuple[int, int], list[InputFile]] = {}
    for item in files:
        if item.identity is not None:
            names.setdefault((item.identity.device, item.identity.inode), []).append(item)
    left_out: set[Path] = set()
    for same in names.values():
        if len(same) < 2:
            continue
        kept = next((f for f in same if not os.path.islink(f.path)), same[0])
        for other in same:
            if other is not kept:
                left_out.add(other.path)
                problems.append(
                    (other.source, f"the same file as {kept.source} (a link to it): read once")
                )
    return [f for f in files if f.path not in left_out]


def renamed_root(path: Path) -> tuple[Path, Path] | None:
    """``(folder, named)`` when the input PATH ``path`` (a folder, or a file's folder) leads
    through a link of another name: ``folder`` is the real folder the link names, ``named`` the
    same place under the link's name (``/data/jobs/4411/out`` and ``/data/jobs/4411/meta-llama__
    Meta-Llama-3.1-70B-Instruct`` for ``runs/meta-llama__Meta-Llama-3.1-70B-Instruct`` linked to
    it). Files are read where they are (their companions and folders as the harness wrote them);
    runs are labelled as if that folder bore the name the user gave it. None when the names
    agree, for a PATH that is itself a link to a file (its target's folder is the one meant),
    and for one whose ``..`` means another folder once its links are followed."""
    named = Path(os.path.abspath(path))
    real = path.resolve()
    if not named.is_dir():
        if os.path.islink(named):
            return None
        named, real = named.parent, real.parent
    try:
        if not os.path.samefile(named, real):
            return None
    except OSError:
        return None
    ours, theirs = named.parts, real.parts
    same = 0  # the trailing names they share (runs/meta-llama__X/2025 -> out/2025)
    while same < min(len(ours), len(theirs)) - 1 and ours[-1 - same] == theirs[-1 - same]:
        same += 1
    if same == min(len(ours), len(theirs)) - 1:
        return None  # the same names, or a link above the root itself (/tmp -> /private/tmp)
    folder = Path(*theirs[: len(theirs) - same])
    return folder, folder.with_name(ours[-1 - same])


def _of_stat(info: os.stat_result) -> FileIdentity:
    return FileIdentity(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _shown(path: str | os.PathLike[str]) -> str:
    """A path as text that can be printed: undecodable name bytes become ``\\xNN``."""
    return clean_text(os.fspath(path))


def _others_said(others: list[str], pattern: str | None) -> str:
    """What a folder with no file to read holds instead, and what to do: it said only what was
    looked for (an empty folder read the same as one of CSV files)."""
    if not others:
        return ": the folder holds no file at all"
    shown = ", ".join(_shown(name) for name in sorted(others)[:3])
    more = f" and {len(others) - 3:,} more" if len(others) > 3 else ""
    todo = (
        "give another --pattern, or none to read every file a reader accepts"
        if pattern
        else "name a file to try it whatever its extension, or give --pattern GLOB"
    )
    files = "file" if len(others) == 1 else "files"
    return f"; it holds {len(others):,} other {files} ({shown}{more}): {todo}"


def _walk(
    root: Path,
    pattern: str | None,
    extensions: tuple[str, ...],
    source: Callable[[Path | str], str],
    problems: list[tuple[str, str]],
    others: list[str] | None = None,
    renamed: tuple[Path, Path] | None = None,
) -> list[InputFile]:
    """The matching files under ``root``; directories that cannot be read go to ``problems``,
    the other files' names (relative to ``root``) to ``others`` when given. ``renamed``: the
    files' :attr:`InputFile.renamed` (a folder linked below ``root`` gives its own)."""

    def cannot_list(where: str, exc: OSError) -> None:
        problems.append((source(where) + "/", f"cannot list directory: {exc.strerror or exc}"))

    # Plain strings in the loop, not pathlib: thousands of small files are walked per load.
    matched: list[InputFile] = []
    top = str(root)
    for dirpath, shown_dir, filenames, named in _directories(
        top, cannot_list, source, problems, renamed
    ):
        failed: list[tuple[str, str]] = []  # (file name, why it cannot be looked at)
        below = os.path.relpath(shown_dir, top)
        rel_dir = "" if below == "." else below.replace(os.sep, "/") + "/"
        for filename in filenames:
            if filename.startswith("."):
                continue
            if not _matches(rel_dir + filename, pattern, extensions):
                if others is not None:
                    others.append(rel_dir + filename)
                continue
            full = os.path.join(dirpath, filename)
            try:
                info = os.stat(full)
            except OSError as exc:  # not searchable directory, broken link, vanished
                failed.append((filename, _why_not(full, exc)))
                continue
            shown = source(full if shown_dir == dirpath else os.path.join(shown_dir, filename))
            if stat_is_file(info.st_mode):
                matched.append(
                    InputFile(Path(full), shown, info.st_size, _of_stat(info), renamed=named)
                )
            elif (why := not_a_file(info.st_mode)) is not None:
                problems.append((shown, why))
        if failed:
            # One line per directory (a directory that cannot be searched fails for every
            # file), naming its first files, so a broken link among good files can be found.
            failed.sort()
            names = ", ".join(clean_text(name) for name, _ in failed[:3])
            if len(failed) > 3:
                names += f" and {len(failed) - 3} more"
            problems.append(
                (
                    source(shown_dir) + "/",
                    f"{len(failed)} matching file(s) here cannot be looked at ({names}): "
                    + failed[0][1],
                )
            )
    return matched


def _directories(
    top: str,
    cannot_list: Callable[[str, OSError], None],
    source: Callable[[Path | str], str],
    problems: list[tuple[str, str]],
    renamed: tuple[Path, Path] | None = None,
) -> Iterator[tuple[str, str, list[str], tuple[Path, Path] | None]]:
    """Each directory under ``top`` once: ``(dirpath, shown, filenames, renamed)``, ``dirpath``
    where it is, ``shown`` the name it has below ``top``, ``renamed`` its files'
    :attr:`InputFile.renamed`.

    Symbolic links to directories are followed, after the directories themselves: a directory
    under two names (two run folders linked to one, a link back up) is walked under its own
    name when it has one here, as a file is (:func:`_once_each`), and each other name goes to
    ``problems``. It was left out without a word: 'compare' of two such names said only that
    one run was loaded. A linked directory is walked where it is, as a PATH given as a link
    is, for the files beside its files (OpenCompass's ``results/<model>`` beside a linked
    ``predictions/<model>`` was looked for beside the link: the run had no score); its
    files are shown by the link's path, their runs named by the link (:func:`renamed_root`)."""
    walked: dict[tuple[int, int], str] = {}  # each directory walked: the name it was walked as
    starts = [(top, top, renamed)]
    while starts:
        real, shown_top, named = starts.pop(0)

        def failed(exc: OSError, real: str = real, shown_top: str = shown_top) -> None:
            where = exc.filename if isinstance(exc.filename, str) else real
            cannot_list(_shown_under(where, real, shown_top), exc)

        for dirpath, dirnames, filenames in os.walk(real, onerror=failed, followlinks=False):
            here = _shown_under(dirpath, real, shown_top)
            try:
                stat = os.stat(dirpath)
            except OSError as exc:
                problems.append(
                    (source(here) + "/", f"cannot read directory: {exc.strerror or exc}")
                )
                dirnames[:] = []
                continue
            shown = source(here) + "/"
            first = walked.setdefault((stat.st_dev, stat.st_ino), shown)
            if first != shown:
                problems.append((shown, f"the same folder as {first} (a link to it): read once"))
                dirnames[:] = []
                continue
            names = sorted(d for d in dirnames if not d.startswith("."))
            links = [d for d in names if os.path.islink(os.path.join(dirpath, d))]
            for d in links:
                link = os.path.join(dirpath, d)
                starts.append(
                    (
                        os.path.realpath(link),
                        os.path.join(here, d),
                        renamed_root(Path(link)) or named,
                    )
                )
            dirnames[:] = [d for d in names if d not in links]
            yield dirpath, here, filenames, named


def _shown_under(path: str, real: str, shown: str) -> str:
    """``path``, a folder below ``real`` (walked where a link leads), named below the link
    ``shown``: os.walk joins names onto the path it was given, so ``real`` starts it."""
    return path if real == shown else shown + path[len(real) :]


def _why_not(path: str, exc: OSError) -> str:
    """Why ``path`` cannot be looked at, in words: a symbolic link to nothing or to itself is
    said to be one (the system only says "No such file" or "Too many levels")."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOENT, errno.ELOOP) and os.path.islink(path):
        kind = "a symbolic link loop" if exc.errno == errno.ELOOP else "a broken symbolic link"
        return f"{kind} ({reason})"
    return reason
