"""Exports: the combined JSON, and atomic writes that never leave a half-written file."""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import errno
import functools
import glob
import io
import json
import math
import mmap
import os
import queue
import secrets
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple

import numpy as np
import polars as pl

from evaltui.data.marks import fitted_name, manifest_path
from evaltui.data.metrics import STATS_COLUMNS
from evaltui.data.readback import reads_back
from evaltui.data.sanitize import FORMULA_START, one_line_middle, visible
from evaltui.data.schema import clean_text
from evaltui.data.wording import plural, rows_words

STDOUT = "-"
"""The output name that means standard output (``-o -``)."""
_TEMP_TAG = "evaltui-"
#: Temp files of an interrupted write older than this are removed even when their writer's id
#: cannot be told (files of an older evaltui, or from another machine on a shared disk).
STALE_SECONDS = 24 * 3600


def is_stdout(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is the ``-`` token, written through ``sys.stdout`` rather than opened.
    Whether a path *means* standard output by any name (``/dev/stdout``, the file descriptor 1
    is open on) is the command line's question: ``evaltui.cli.is_standard_output``."""
    return os.fspath(path) == STDOUT


def to_terminal(path: str | os.PathLike[str]) -> bool:
    """Whether writing to ``path`` shows on a terminal: ``-`` when standard output is one, or a
    terminal device named (``-o /dev/stdout`` or ``-o /dev/tty`` in a terminal). Text exports
    there get control characters made visible; ``-o /dev/stdout --as csv`` wrote a prompt's
    ``ESC]0;…`` raw, retitling the terminal, where ``-o -`` showed ``␛]0;…``."""
    if is_stdout(path):
        return sys.stdout.isatty()
    try:
        if not stat.S_ISCHR(os.stat(path).st_mode):
            return False
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return os.isatty(fd)
    finally:
        os.close(fd)


def names_folder(text: str) -> bool:
    """Whether an output path as typed names a folder, existing or not (``out/``, ``out/.``,
    ``..``): ``Path()`` drops a trailing slash, and a file named ``out`` was written where the
    folder was meant to go."""
    return text.endswith(("/", os.sep)) or os.path.basename(text) in (".", "..")


def _umask() -> int:
    """The process umask, read without changing it where the system allows."""
    with (
        contextlib.suppress(OSError, ValueError),
        open("/proc/self/status", encoding="ascii") as status,
    ):
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it (and back)
    os.umask(mask)
    return mask


def _mode_for(target: Path, like: Path | None = None) -> int:
    """What a new file gets from ``open()``: 0666 minus the umask; an existing file keeps its own.
    ``like``: a file whose mode it takes instead while that file is there (not its execute bits),
    as a manifest takes its output's: it names the output's sources and lines."""
    if like is not None:
        with contextlib.suppress(OSError):
            return stat.S_IMODE(like.stat().st_mode) & 0o666
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


#: What a temp file's name adds after its stem: ".evaltui-<pid>.<8 random>.tmp" (a pid of at most
#: 10 digits), so the stem is the same whatever the writer's pid.
_TEMP_TAIL = len(f".{_TEMP_TAG}") + 10 + 1 + 8 + len(".tmp")


def _temp_stem(target: Path) -> str:
    """How the temp files of ``target`` start: ``.<name>``, a long name cut (see fitted_name)."""
    return fitted_name(target.name, prefix=".", reserve=_TEMP_TAIL)


def _clean_stale_temps(target: Path) -> None:
    """Remove temp files an earlier write of ``target`` left when it was killed (kill -9, power
    loss): ours are ``.<name>.evaltui-<pid>.<random>.tmp``; a live writer's are left alone."""
    stem = _temp_stem(target)
    for temp in target.parent.glob(f"{glob.escape(stem)}.*.tmp"):
        middle = temp.name[len(stem) + 1 : -len(".tmp")]
        pid = (
            middle.split(".", 1)[0].removeprefix(_TEMP_TAG) if middle.startswith(_TEMP_TAG) else ""
        )
        try:
            if pid.isascii() and pid.isdigit():
                if _alive(int(pid)):
                    continue
            elif time.time() - temp.stat().st_mtime < STALE_SECONDS:
                continue
            temp.unlink()
        except OSError:
            continue


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _not_a_file(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is there and is neither a regular file nor a folder: a FIFO, a
    character device, a socket. A block device (a disk) is refused."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if stat.S_ISBLK(mode):
        raise OSError(
            errno.EINVAL, "a disk (block device), not a file: give a file path", str(path)
        )
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _make_folder(folder: Path) -> None:
    """Make the output's folder (and those above); a file in the way is named."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        for above in (folder, *folder.parents):
            if above.exists() and not above.is_dir():
                raise NotADirectoryError(
                    errno.ENOTDIR, f"{above} is a file, not a folder", str(folder)
                ) from None
        raise


def _refuse_planted_link(path: str | os.PathLike[str]) -> None:
    """Refuse to write through a symlink another user made in a folder anyone may write to
    and only its owner's files may be removed from (``/tmp``): the system's own rule for
    following such links (``fs.protected_symlinks``). evaltui resolves a link itself and
    renames onto its target, which that rule does not see: ``summarize -o /tmp/s.json``
    replaced whatever file another user pointed ``/tmp/s.json`` (or its manifest's name) at."""
    link = os.fspath(path)
    for _depth in range(40):  # a loop of links ends as the system's lookup does
        try:
            if not stat.S_ISLNK(os.lstat(link).st_mode):
                return
            owner = os.lstat(link).st_uid
            folder = os.stat(os.path.dirname(link) or ".")
            target = os.readlink(link)
        except OSError:
            return  # nothing there, or unreadable: the write says what is wrong
        shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
        if shared and owner not in (os.geteuid(), folder.st_uid):
            raise PermissionError(
                errno.EACCES,
                f"{os.path.basename(link)} is a symlink another user made in a shared folder"
                " (sticky, writable by all): not written through",
                os.fspath(path),
            )
        link = os.path.join(os.path.dirname(link), target)


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike[str], mode: str = "w", like: Path | None = None
) -> Iterator[IO[Any]]:
    """Open a temp file beside ``path``; on success it replaces ``path`` in one ``os.replace``.

    On any exception the temp file is removed and ``path`` is untouched: an existing file is never
    half-overwritten, and a failed export leaves nothing behind. The file gets the mode ``open()``
    would give it (the umask; an existing file keeps its mode); a symlink is written through (its
    target is replaced, the link stays); temp files a killed earlier write left are removed.
    ``like``: a file whose mode the new one takes, when it is there (see :func:`_mode_for`).
    A FIFO or a device (``/dev/null``, ``/dev/stdout``) is written into, not replaced.
    """
    _refuse_planted_link(path)
    if _not_a_file(path):
        # A FIFO (``-o >(gzip > x)``), a device (``-o /dev/null``), ``/dev/stdout``: written
        # into, as a shell's ``>`` does. A temp file renamed over it would replace the device
        # node or the pipe with a regular file (in /dev too, for root), and its reader gets nothing.
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else "\n"
        with _broken_pipe_told(), open(path, mode, encoding=encoding, newline=newline) as handle:
            yield handle
        return
    target = Path(os.path.realpath(path))
    if target.is_dir():
        # Before any work or temp file: the replace at the end could only fail.
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file: give a file path", str(path))
    _make_folder(target.parent)
    _clean_stale_temps(target)
    prefix = f"{_temp_stem(target)}.{_TEMP_TAG}{os.getpid()}."
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    except OSError as exc:  # the file asked for, not our hidden temp name, is what it names
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    staged = _STAGED.get()
    try:
        os.fchmod(fd, _mode_for(target, like))
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else "\n"
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if staged is not None:  # put in place with the other outputs (see all_or_none)
            staged.append((tmp, target))
            return
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


#: The temp files written inside :func:`all_or_none` and the targets they are to replace, in
#: order; None outside it.
_STAGED: contextvars.ContextVar[list[tuple[str, Path]] | None] = contextvars.ContextVar(
    "evaltui_staged", default=None
)


@contextlib.contextmanager
def all_or_none(new: Iterable[str | os.PathLike[str]] = ()) -> Iterator[None]:
    """Outputs of one command written all, or none of them: every file :func:`atomic_open`
    writes inside this block is kept as its temp file, and they replace their targets (in the
    order written: a manifest announced before its output still goes first) only once the
    block has ended without an error; an error removes them all and leaves every target as it
    was. ``compare -o big.parquet --summary-json s.json`` on a full disk replaced s.json and
    failed on the other, exit 1: a script's two files then told two comparisons. Standard
    output and devices are written at once, as outside it.

    ``new``: outputs that must not replace a file (``export`` without ``--force``). They are
    put in place first, each only where no file is (a hard link, which fails when one is), so
    a file another process wrote there meanwhile (two exports to one ``-o`` at once; each saw
    none when it began) is kept: :class:`OutputAppeared` naming it, every output left as it
    was. Before, the second export replaced the first's, both saying they wrote it."""
    staged: list[tuple[str, Path]] = []
    token = _STAGED.set(staged)
    try:
        yield
    except BaseException:
        for tmp, _target in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    finally:
        _STAGED.reset(token)
    fresh = {Path(os.path.realpath(path)) for path in new}
    try:
        with _folders_locked(target for _tmp, target in staged):
            _put_in_place(staged, fresh)
    except BaseException:  # no temp file left behind, whatever was put in place
        for tmp, _target in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


@contextlib.contextmanager
def _folders_locked(targets: Iterable[Path]) -> Iterator[None]:
    """Hold an exclusive lock (``flock``) on each folder ``targets`` are in while they are put
    in place, so two commands writing one output at once (``export --force -o x.jsonl`` twice)
    put their files in place one after the other: ``x.jsonl`` and its manifest are always one
    writer's pair. They were renamed back to back without one, and the other's renames could
    come between: one export's records beside the other's manifest, whose ``sources`` name
    other lines (the same size, so nothing told them apart). The folders are locked in one
    order (no two writers wait on each other); where a lock cannot be had (no ``flock``, a
    file system without it) the files are put in place as before."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield
        return
    with contextlib.ExitStack() as held:
        for folder in sorted({target.parent for target in targets}):
            try:
                fd = os.open(folder, os.O_RDONLY)
            except OSError:
                continue
            held.callback(os.close, fd)  # closing it releases the lock
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield


def _put_in_place(staged: list[tuple[str, Path]], fresh: set[Path]) -> None:
    """Replace each target of ``staged`` with its temp file, in order (a manifest announced
    before its output goes first); those in ``fresh`` only where no file is (:func:`_claim`).
    An error puts back what each target already replaced held (or nothing, where it was
    new): every output is left as it was. A fresh output was linked in place before its
    manifest came, so a folder followed then read an export of records as eval data."""
    for _tmp, target in staged:
        if target in fresh and os.path.lexists(target):
            raise OutputAppeared(errno.EEXIST, "written meanwhile", str(target))
    done: list[tuple[Path, str | None, bool]] = []  # target, a second name of its old file, new
    try:
        for tmp, target in staged:
            first = all(target != t for t, _old, _new in done)
            if target in fresh and first and _claim(tmp, target):
                done.append((target, None, True))
                with contextlib.suppress(OSError):
                    os.unlink(tmp)  # in place already: the temp is its second name
                continue
            old, new = _keep_old(target)
            done.append((target, old, new))
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise _not_put_in_place(exc, target, staged) from exc
    except BaseException:
        for target, old, new in reversed(done):
            with contextlib.suppress(OSError):
                if new:
                    os.unlink(target)
                elif old is not None:
                    os.replace(old, target)
        raise
    finally:
        for _target, old, _new in done:
            if old is not None:
                with contextlib.suppress(OSError):
                    os.unlink(old)


def _keep_old(target: Path) -> tuple[str | None, bool]:
    """A second name (a hard link, named as our temp files are) for the file at ``target``, so
    it can be put back, and whether no file is there; (None, False) where no link can be made."""
    if not os.path.lexists(target):
        return None, True
    for _attempt in range(8):
        old = target.with_name(
            f"{_temp_stem(target)}.{_TEMP_TAG}{os.getpid()}.{secrets.token_hex(4)}.tmp"
        )
        try:
            os.link(target, old, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError:
            break
        return str(old), False
    return None, False


def _claim(tmp: str, target: Path) -> bool:
    """Give ``target`` the content of ``tmp`` only when no file is at ``target``: a hard link,
    which the system refuses (EEXIST) when a file is there, however it came. True: linked;
    False: a file system without hard links, where the check alone is made (the rename
    follows, a small window as before)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise OutputAppeared(errno.EEXIST, "written meanwhile", str(target)) from None
    except OSError:
        if os.path.lexists(target):
            raise OutputAppeared(errno.EEXIST, "written meanwhile", str(target)) from None
        return False
    return True


def _not_put_in_place(exc: OSError, target: Path, staged: list[tuple[str, Path]]) -> OSError:
    """The error for ``target`` that could not be put in place: named as the output whose
    manifest it is, when it is one (the user asked for the output, not its manifest)."""
    for _tmp, output in staged:
        beside = manifest_path(output)
        if output != target and beside == target:
            reason = f"its manifest {beside.name} beside it: {exc.strerror or exc}"
            return NotPutInPlace(exc.errno, reason, str(output))
    return NotPutInPlace(exc.errno, exc.strerror, str(target))


class NotPutInPlace(OSError):
    """An output written whole that could not replace its target (``filename``: a folder made
    there meanwhile, a file system made read-only): the error names that output, not the
    command's last one."""


class OutputAppeared(FileExistsError):
    """A file came to be at an output that was to be new (see :func:`all_or_none`)."""


def staged_path(path: str | os.PathLike[str]) -> Path:
    """Where the newest content of ``path`` is while :func:`all_or_none` holds it back (its temp
    file), else ``path`` itself."""
    staged = _STAGED.get()
    target = Path(os.path.realpath(path))
    for tmp, where in reversed(staged or []):
        if where == target:
            return Path(tmp)
    return Path(path)


@contextlib.contextmanager
def open_output(
    path: str | os.PathLike[str], mode: str = "w", like: Path | None = None
) -> Iterator[IO[Any]]:
    """:func:`atomic_open`, or standard output when ``path`` is ``-``."""
    if not is_stdout(path):
        with atomic_open(path, mode, like) as handle:
            yield handle
        return
    if sys.stdout is None:
        # `evaltui … -o - >&-`: Python has no sys.stdout at all; it was an AttributeError
        # (a traceback) once every file was read.
        raise OSError(errno.EBADF, "standard output is closed")
    sys.stdout.flush()
    with _broken_pipe_told():
        if "b" in mode:
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        elif _utf8(sys.stdout):
            yield sys.stdout
            sys.stdout.flush()
        else:
            # Standard output in another encoding (a Latin-1 locale, PYTHONIOENCODING=ascii):
            # the data is written as UTF-8 all the same, the bytes -o FILE holds. Encoded in
            # the stream's own, `compare -o -` and `--summary-json -` ended in a traceback
            # (UnicodeEncodeError) on a CJK run label, where summarize's and export's did not.
            # A descriptor of its own: closing it leaves standard output open.
            fd = os.dup(sys.stdout.fileno())
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                yield handle


def _utf8(stream: Any) -> bool:
    """Whether ``stream`` encodes text as UTF-8 (or has no descriptor to write UTF-8 to)."""
    try:
        stream.fileno()
        return codecs.lookup(stream.encoding or "utf-8").name == "utf-8"
    except (OSError, ValueError, AttributeError, LookupError):
        return True


@contextlib.contextmanager
def _broken_pipe_told() -> Iterator[None]:
    """A pipe's reader that went away (``… -o - | head``, ``-o fifo``) raises BrokenPipeError,
    whoever wrote: polars' writers say so in a plain OSError ("Broken pipe (os error 32)"),
    which became an error message ("cannot write -o /dev/stdout: Broken pipe (os error 32)")
    where Python's own writes end quietly."""
    try:
        yield
    except OSError as exc:
        if not isinstance(exc, BrokenPipeError) and str(exc).endswith(_RUST_EPIPE):
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE)) from exc
        raise


#: How a Rust ``io::Error`` of EPIPE ends when polars turns it into an OSError.
_RUST_EPIPE = f"(os error {errno.EPIPE})"


def write_with(
    path: str | os.PathLike[str],
    writer: Callable[[IO[Any]], None],
    mode: str = "w",
    like: Path | None = None,
) -> Path:
    """Run ``writer`` on an atomically replaced file at ``path`` (or stdout for ``-``); ``like``:
    see :func:`atomic_open`."""
    with open_output(path, mode, like) as handle:
        writer(handle)
    return Path(path)


def write_parquet(frame: pl.DataFrame, path: str | os.PathLike[str]) -> Path:
    """``frame`` as Parquet at ``path`` (atomically), or on stdout for ``-``. It is made in
    memory first (its compressed bytes; the frame is in memory already), then written by
    Python: polars' Parquet writer reports any failed write -- a reader that went away
    (``-o - --as parquet | head``), a full disk (``-o /dev/full``), a named pipe's reader gone --
    as a ComputeError ("Invalid thrift: transport error"), which ended in a traceback; Python's
    write raises the OSError that says what happened (the broken pipe ends evaltui quietly)."""
    buffer = io.BytesIO()
    frame.write_parquet(buffer)

    def copy(handle: IO[Any]) -> None:
        handle.write(buffer.getbuffer())

    return write_with(path, copy, "wb")


# JSON leaves DEL, C1 controls and invisible format characters raw in strings (with
# ensure_ascii=False); written as \u escapes they are the same JSON values and cannot act on a
# terminal that shows the file (or stdout).
_JSON_ESCAPES = {
    code: f"\\u{code:04x}"
    for code in [
        0x7F,
        *range(0x80, 0xA0),
        0x061C,
        *range(0x200B, 0x2010),
        *range(0x2028, 0x202F),
        *range(0x2066, 0x206A),
        0xFEFF,
    ]
}


def json_text(value: Any, **options: Any) -> str:
    """``json.dumps`` (UTF-8 text kept) with the characters above escaped."""
    return json.dumps(value, ensure_ascii=False, **options).translate(_JSON_ESCAPES)


#: How a non-finite number is written: JSON has no NaN/Infinity (Python's ``json`` writes them
#: anyway, and strict readers reject the file), so they become these strings; ``float(s)`` and
#: polars' ``.cast(pl.Float64)`` read them back as the numbers they were.
NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float (nested in lists/dicts too) as "Infinity",
    "-Infinity" or "NaN": valid JSON that round-trips, instead of a silent null; and every
    string (keys too) storable as UTF-8 (:func:`clean_text`): a file name's undecodable byte as
    ``\\xNN``, as evaltui shows it. Written raw, a lone surrogate became a ``\\udcff`` escape
    that strict JSON readers refuse and jq turns into U+FFFD."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else NON_FINITE[value]
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    return value


def write_json_lines(frame: pl.DataFrame, path: str | os.PathLike[str]) -> Path:
    """``frame`` as JSON lines, one object per row, atomically (or on stdout for ``-``), as every
    JSON evaltui writes: non-finite numbers as strings (:func:`json_safe`; polars' own
    ``write_ndjson`` wrote a stored Infinity or NaN as ``null``, an unscored generation) and
    DEL, C1 and invisible characters escaped (:func:`json_text`; polars wrote them raw)."""

    def write(handle: IO[Any]) -> None:
        for start in range(0, frame.height, 10_000):
            rows = frame.slice(start, 10_000).iter_rows(named=True)
            handle.write("".join(json_text(json_safe(row)) + "\n" for row in rows))

    return write_with(path, write)


def _combined_columns(stats: pl.DataFrame) -> list[str]:
    """Legacy keys first in their order, evaltui's own after."""
    columns = [c for c in STATS_COLUMNS if c in stats.columns]
    return columns + [c for c in stats.columns if c not in columns]


def combined_records(stats: pl.DataFrame) -> list[dict[str, Any]]:
    """The combined-JSON objects: legacy keys first in their order, evaltui's own after."""
    return [json_safe(row) for row in stats.select(_combined_columns(stats)).iter_rows(named=True)]


def write_json(value: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``value`` as strict JSON (non-finite numbers as strings, see :func:`json_safe`),
    UTF-8, atomically."""
    return write_with(path, lambda handle: handle.writelines(_json_chunks(value)))


def _json_chunks(value: Any) -> Iterator[str]:
    yield json_text(json_safe(value), indent=2, allow_nan=False)
    yield "\n"


# --- the combined JSON, built column by column ---------------------------------------------
#
# ``json_text(json_safe(combined_records(stats)), indent=2)`` builds a Python dict per prompt
# and encodes it value by value: minutes and gigabytes at a million prompts. The same bytes are
# built here with polars, a column at a time: each value's JSON text as a string column (numbers
# as Python's ``repr`` writes them, strings escaped as ``json.dumps`` and :data:`_JSON_ESCAPES`
# escape them), then each object as one concatenation. A column of a type this does not know
# sends the whole frame through the Python encoder, so the output is always the same.

#: What ``json.dumps(..., ensure_ascii=False)`` escapes in a string, then :data:`_JSON_ESCAPES`.
_STRING_ESCAPES: dict[str, str] = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
for _code in range(0x20):
    _STRING_ESCAPES.setdefault(chr(_code), f"\\u{_code:04x}")
for _code, _escape in _JSON_ESCAPES.items():
    _STRING_ESCAPES[chr(_code)] = _escape

_ROWS_PER_CHUNK = 50_000
#: Each chunk is encoded as this many slices side by side (``pl.collect_all``: polars' threads).
_SLICES_PER_CHUNK = 2
#: Characters a string needs escaped for (the keys of :data:`_STRING_ESCAPES`), as a regex class.
_NEEDS_ESCAPE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _STRING_ESCAPES) + "]"


def _vectorised(dtype: pl.DataType) -> bool:
    """Whether :func:`_value_parts` encodes values of ``dtype``."""
    if isinstance(dtype, pl.List):
        return dtype.inner.is_integer() or dtype.inner == pl.Boolean
    return (
        dtype.is_float()
        or dtype.is_integer()
        or dtype in (pl.String, pl.Categorical, pl.Boolean, pl.Null)
        or isinstance(dtype, pl.Enum)
    )


def _string_json(series: pl.Series) -> pl.Series:
    """Each string escaped as :func:`json_text` escapes it, without its quotes (null stays null)."""
    text = series.cast(pl.String)
    # Most strings need no escape: only those that do go through the (slower) replacement.
    needs = text.str.contains(_NEEDS_ESCAPE).fill_null(False)
    if bool(needs.any()):
        rows = needs.arg_true()
        escaped = text.gather(rows).str.replace_many(
            list(_STRING_ESCAPES), list(_STRING_ESCAPES.values())
        )
        text = text.scatter(rows, escaped)
    return text


def _python_float_json(values: pl.Series) -> pl.Series:
    """Each float as ``json.dumps`` writes it after :func:`json_safe` (``repr``; NaN and the
    infinities as strings; null left null), formatted by Python: each distinct bit pattern once."""
    array = values.to_numpy()
    bits = np.ascontiguousarray(array).view(np.uint64)
    distinct, inverse = np.unique(bits, return_inverse=True)
    texts = []
    for value in distinct.view(np.float64).tolist():
        safe = json_safe(value)
        texts.append(json.dumps(safe) if isinstance(safe, str) else float.__repr__(value))
    formatted = pl.Series(texts, dtype=pl.String).gather(inverse.reshape(-1))
    if values.null_count() == 0:
        return formatted
    return formatted.zip_with(values.is_not_null(), pl.Series([None], dtype=pl.String))


#: Floats whose magnitude is in [low, high) (and zeros) Python's ``repr`` writes in positional
#: notation with the shortest digits that read back the same, as polars' cast to text does;
#: outside it ``repr`` switches to ``1e-05`` / ``1e+16`` forms polars does not write.
_PLAIN_FLOATS = (1e-4, 1e16)
#: Values on both sides of every rule of the two formats (checked once per process).
_FLOAT_PROBES = [
    *(0.0, -0.0, 1e-4, -1e-4, 0.00011, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 0.5, 1.0, -1.0, 2.5),
    *(100.0, 1e15, 1e15 + 0.5, 9007199254740993.0, 9999999999999998.0, 123456789.125),
    *(5e-324 * 2**1000, 1.7976931348623157e308 / 2**960, 4.35, 0.07, 1234.5678, 98765.4321e3),
    *(float(2**53), 0.1 * 3, 3.141592653589793, 2.718281828459045, 1e-3, 0.000123456789),
]


@functools.cache
def _polars_floats_are_repr() -> bool:
    """Whether this polars writes plain floats as Python's ``repr`` does (else Python does)."""
    low, high = _PLAIN_FLOATS
    probes = [v for v in _FLOAT_PROBES if v == 0 or low <= abs(v) < high]
    texts = pl.Series(probes, dtype=pl.Float64).cast(pl.String).to_list()
    return texts == [float.__repr__(v) for v in probes]


def _float_json(values: pl.Series) -> pl.Series:
    """Each float (Float64) as ``json.dumps`` writes it after :func:`json_safe`: polars' text
    where it is Python's (:data:`_PLAIN_FLOATS`), Python's own for the rest (NaN, infinities,
    tiny, huge)."""
    if not _polars_floats_are_repr():
        return _python_float_json(values)
    text = values.cast(pl.String)
    odd = (~_plain_float(pl.col(values.name))).fill_null(False)  # null stays null
    rows = values.to_frame().select(odd).to_series().arg_true()
    if rows.len():
        text = text.scatter(rows, _python_float_json(values.gather(rows)))
    return text


def _plain_float(values: pl.Expr) -> pl.Expr:
    """Whether each float (Float64) is one polars writes as ``repr`` does (:data:`_PLAIN_FLOATS`)."""
    low, high = _PLAIN_FLOATS
    magnitude = values.abs()
    return values.is_finite() & (((magnitude >= low) & (magnitude < high)) | (values == 0))


class _Facts(NamedTuple):
    """What the writer needs to know of one column of a chunk (:func:`_facts`)."""

    nulls: int
    #: every value the same (floats by bit pattern: -0.0 and 0.0 are written apart; NaN never)
    same: bool
    #: a value needs more than the plain per-row text: a float polars does not write as
    #: ``repr``, a string to escape, an empty list or a null item
    special: bool
    #: a list column whose lists all have this many items (else -1)
    width: int


def _facts(frame: pl.DataFrame) -> list[_Facts]:
    """The :class:`_Facts` of every column of ``frame``, in two ``select``s (polars computes the
    columns side by side): first the null counts, sameness and list widths; then whether a value
    is special, only for the columns not written as one value (it scans every string)."""
    first: list[pl.Expr] = []
    special: dict[int, pl.Expr] = {}
    for i, (name, dtype) in enumerate(frame.schema.items()):
        values = pl.col(name)
        width = pl.lit(-1)
        if dtype.is_float():
            values = values.cast(pl.Float64)
            inverse = 1.0 / values  # -inf for -0.0, +inf for 0.0
            same = (
                ~values.is_nan().any()
                & (values.min() == values.max())
                & (inverse.min() == inverse.max())
            )
            special[i] = (~_plain_float(values)).any() | pl.lit(not _polars_floats_are_repr())
        elif isinstance(dtype, pl.List):
            same = pl.lit(False)
            lengths = values.list.len()
            special[i] = (lengths == 0).any() | values.explode().is_null().any()
            width = pl.when(lengths.min() == lengths.max()).then(lengths.min()).otherwise(-1)
        elif dtype == pl.Null:
            same = pl.lit(True)
        elif dtype == pl.String or dtype == pl.Categorical or isinstance(dtype, pl.Enum):
            values = values.cast(pl.String)
            same = (values == values.first()).all()
            special[i] = values.str.contains(_NEEDS_ESCAPE).any()
        else:  # integers, booleans
            same = (values == values.first()).all()
        first += [
            values.null_count().alias(f"n{i}"),
            same.fill_null(False).alias(f"s{i}"),
            width.fill_null(-1).cast(pl.Int64).alias(f"w{i}"),
        ]
    row = frame.select(first).row(0)
    counts, sames, widths = row[0::3], row[1::3], row[2::3]
    varying = [
        i for i in special if not (counts[i] == frame.height or (sames[i] and not counts[i]))
    ]
    found = frame.select(special[i].fill_null(False).alias(f"x{i}") for i in varying)
    odd = dict(zip(varying, found.row(0) if varying else (), strict=True))
    return [
        _Facts(int(counts[i]), bool(sames[i]), bool(odd.get(i, False)), int(widths[i]))
        for i in range(len(counts))
    ]


#: Lists of at most this many items, all of one length, are written item by item (no join).
_ITEMWISE_LISTS = 16


def _value_parts(
    frame: pl.DataFrame, name: str, facts: _Facts, texts: dict[str, pl.Series]
) -> list[str | pl.Expr]:
    """The JSON text of every value of ``frame[name]`` (a key's value, indented by 4) as literal
    texts and per-row texts to concatenate. Texts Python made (floats outside
    :data:`_PLAIN_FLOATS`, escaped strings) go into ``texts``, as columns."""
    dtype = frame.schema[name]
    values = pl.col(name)
    nulls = facts.nulls
    if dtype.is_float():
        if facts.special:
            texts["t" + name] = _float_json(frame.get_column(name).cast(pl.Float64))
            values = pl.col("t" + name)
        else:
            values = values.cast(pl.Float64).cast(pl.String)
        return [values.fill_null("null") if nulls else values]
    if dtype.is_integer():
        values = values.cast(pl.String)
        return [values.fill_null("null") if nulls else values]
    if dtype == pl.Boolean:
        text = pl.when(values).then(pl.lit("true")).when(~values).then(pl.lit("false"))
        return [text.otherwise(pl.lit("null"))]
    if isinstance(dtype, pl.List):
        return _list_parts(values, dtype, facts)
    if facts.special:
        texts["t" + name] = _string_json(frame.get_column(name))
        values = pl.col("t" + name)
    else:
        values = values.cast(pl.String)
    if nulls == 0:  # the quotes go into the template
        return ['"', values, '"']
    return [pl.concat_str(pl.lit('"'), values, pl.lit('"')).fill_null("null")]


def _list_parts(lists: pl.Expr, dtype: pl.DataType, facts: _Facts) -> list[str | pl.Expr]:
    """A list of integers or booleans, one item per line as ``json.dumps(indent=2)`` writes it
    (a key's value: items indented by 6)."""
    inner = dtype.inner  # type: ignore[attr-defined]
    odd = facts.nulls > 0 or facts.special  # null or empty lists, or null items
    opening, separator, closing = "[\n      ", ",\n      ", "\n    ]"
    if not odd and 0 < facts.width <= _ITEMWISE_LISTS and inner != pl.Boolean:
        # Every list has the same few items: each item is a part, the brackets and
        # separators go into the template.
        parts: list[str | pl.Expr] = [opening]
        for item in range(facts.width):
            parts += [separator] if item else []
            parts.append(lists.list.get(item).cast(pl.String))
        return [*parts, closing]
    items = lists.cast(pl.List(pl.String))
    if inner == pl.Boolean:
        items = items.list.eval(pl.element().str.to_lowercase())  # true/false on every polars
    if odd:
        items = items.list.eval(pl.element().fill_null("null"))
    joined = items.list.join(separator)
    if not odd:
        return [opening, joined, closing]
    text = (
        pl.when(lists.list.len() == 0)
        .then(pl.lit("[]"))
        .otherwise(pl.concat_str(pl.lit(opening), joined, pl.lit(closing)))
    )
    return [text.fill_null("null")]


#: Each object's keys on lines of their own, objects separated as ``json.dumps(indent=2)`` does.
_BETWEEN_OBJECTS = "\n  },\n  {\n"
_AFTER_LAST = "\n  }\n]\n"


def _objects(chunk: pl.DataFrame) -> tuple[pl.DataFrame, pl.Expr | str]:
    """Each row's whole object (its key lines, then :data:`_BETWEEN_OBJECTS`) as one
    ``concat_str`` of literal and per-row parts over the returned frame: the keys, punctuation
    and the values that are the same on every row of ``chunk`` are literals of one template.
    A string instead of an expression: every row's object is that text."""
    columns = _combined_columns(chunk)
    frame = chunk.select(pl.col(c).alias(f"c{i}") for i, c in enumerate(columns))
    texts: dict[str, pl.Series] = {}
    parts: list[pl.Expr] = []
    literal = ""
    for (i, column), facts in zip(enumerate(columns), _facts(frame), strict=True):
        literal += ("    " if i == 0 else ",\n    ") + json_text(column) + ": "
        if facts.nulls == frame.height or (facts.same and not facts.nulls):
            # one value on every row: the template has it
            literal += json_text(json_safe(frame.get_column(f"c{i}")[0]))
            continue
        for part in _value_parts(frame, f"c{i}", facts, texts):
            if isinstance(part, str):
                literal += part
                continue
            if literal:
                parts.append(pl.lit(literal))
            parts.append(part)
            literal = ""
    literal += _BETWEEN_OBJECTS
    if not parts:
        return frame, literal
    if texts:
        frame = frame.with_columns(series.alias(name) for name, series in texts.items())
    return frame, pl.concat_str([*parts, pl.lit(literal)])


def _encode(chunk: pl.DataFrame) -> list[memoryview | bytes]:
    """The bytes of ``chunk``'s objects, each followed by :data:`_BETWEEN_OBJECTS`: slices of
    the chunk built side by side, their texts' UTF-8 buffers handed out without a copy."""
    frame, objects = _objects(chunk)
    if isinstance(objects, str):
        return [objects.encode("utf-8") * chunk.height]
    step = -(-chunk.height // _SLICES_PER_CHUNK)
    slices = [frame.slice(s, step).lazy().select(objects) for s in range(0, chunk.height, step)]
    return [view for texts in pl.collect_all(slices) for view in _text_bytes(texts.to_series())]


def _text_bytes(texts: pl.Series) -> list[memoryview]:
    """The concatenated UTF-8 bytes of ``texts`` (no nulls), as views of Arrow buffers: read
    where polars keeps them when they lie there back to back (:func:`_view_runs`), else from a
    ``large_string`` copy."""
    import pyarrow as pa

    array = texts.to_arrow(compat_level=pl.CompatLevel.newest())
    views: list[memoryview] = []
    for part in array.chunks if isinstance(array, pa.ChunkedArray) else [array]:
        if len(part) == 0:
            continue
        runs = _view_runs(part) if part.type == pa.string_view() else None
        if runs is not None:
            views += runs
            continue
        part = part.cast(pa.large_string())
        _, offsets, data = part.buffers()
        bounds = np.frombuffer(offsets, dtype=np.int64)[part.offset : part.offset + len(part) + 1]
        views.append(memoryview(data)[int(bounds[0]) : int(bounds[-1])])
    return views


#: An Arrow string view: the string's length, its first 4 bytes, then (strings longer than 12
#: bytes) the index of the data buffer that holds it and its offset there.
_STRING_VIEW = np.dtype(
    [("length", "<i4"), ("prefix", "<i4"), ("buffer", "<i4"), ("offset", "<i4")]
)


def _view_runs(array: Any) -> list[memoryview] | None:
    """The bytes of a ``string_view`` array's strings in row order, as slices of its data
    buffers, when consecutive rows lie back to back in them (as polars builds a column: no
    copy); None when they do not (a short string kept in its view, nulls, another order)."""
    buffers = array.buffers()
    if array.null_count or buffers[1] is None:
        return None
    views = np.frombuffer(buffers[1], dtype=_STRING_VIEW)[array.offset : array.offset + len(array)]
    lengths = views["length"].astype(np.int64)
    if int(lengths.min()) <= 12:
        return None
    which = views["buffer"].astype(np.int64)
    starts = views["offset"].astype(np.int64)
    ends = starts + lengths
    same = which[1:] == which[:-1]
    if not bool((starts[1:] == ends[:-1])[same].all()):
        return None
    firsts = np.concatenate([[0], np.flatnonzero(~same) + 1])
    lasts = np.concatenate([firsts[1:] - 1, [len(views) - 1]])
    return [
        memoryview(buffers[2 + int(which[first])])[int(starts[first]) : int(ends[last])]
        for first, last in zip(firsts.tolist(), lasts.tolist(), strict=True)
    ]


#: ``O_DIRECT`` where the system has it (Linux): writes that skip the page cache.
_O_DIRECT: int = getattr(os, "O_DIRECT", 0)
#: Direct writes start and end on multiples of this (any disk's logical block size divides it).
_DIRECT_BLOCK = 4096
#: The aligned buffer direct writes are gathered in (a multiple of :data:`_DIRECT_BLOCK`).
_STAGING_BYTES = 8 << 20
#: ``os.write`` (tests make it fail).
_os_write = os.write


def _set_direct(fd: int, on: bool) -> bool:
    """Turn ``O_DIRECT`` on or off for ``fd``; whether it is now as asked."""
    if not _O_DIRECT:
        return not on
    try:
        import fcntl

        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, (flags | _O_DIRECT) if on else (flags & ~_O_DIRECT))
    except (OSError, ImportError):
        return not on
    return True


class _FileSink:
    """Writes to a regular file's descriptor; without the page cache (``O_DIRECT``) where the
    system and the file system allow it.

    Copying a gigabyte into the page cache cost this process 1-2.5 s of system CPU on the
    2-core VM (and as much wall time), a direct write of the same bytes ~0.1 s: the bytes are
    gathered into an aligned buffer and written whole blocks at a time, from offset 0; the
    tail goes through the page cache at the end (:meth:`close`). A direct write the file
    system refuses (EINVAL: tmpfs, an unaligned offset after a short write) sends it and the
    rest through the page cache, so the bytes are always the same. Direct writes are on the
    disk (or its cache) when they return: :attr:`direct` tells the writer no ``fdatasync`` per
    chunk is needed; the final fsync of :func:`atomic_open` flushes the disk's cache."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._staging: mmap.mmap | None = None
        self._filled = 0
        start = os.lseek(fd, 0, os.SEEK_CUR)
        self.direct = start % _DIRECT_BLOCK == 0 and _set_direct(fd, True)
        if self.direct:
            self._staging = mmap.mmap(-1, _STAGING_BYTES)  # page-aligned

    def write(self, data: memoryview | bytes) -> None:
        view = memoryview(data).cast("B")
        while len(view):
            if self._staging is None or not self.direct:
                self._write(view)
                return
            with memoryview(self._staging) as staging:
                size = min(len(view), len(staging) - self._filled)
                staging[self._filled : self._filled + size] = view[:size]
            self._filled += size
            view = view[size:]
            if self._filled == _STAGING_BYTES:
                self._drain(self._filled)

    def close(self) -> None:
        """Write what is gathered (whole blocks directly, the tail through the page cache) and
        leave the descriptor as it was (no ``O_DIRECT``)."""
        if self._staging is None:
            return
        whole = self._filled - self._filled % _DIRECT_BLOCK
        if whole:
            self._drain(whole)
        self._buffered()
        if self._filled:
            self._drain(self._filled)
        self._staging.close()
        self._staging = None

    def _drain(self, size: int) -> None:
        """Write the first ``size`` gathered bytes; keep the rest at the buffer's start."""
        assert self._staging is not None
        with memoryview(self._staging) as staging:
            self._write(staging[:size])
            rest = self._filled - size
            staging[:rest] = staging[size : self._filled]
        self._filled = rest

    def _write(self, view: memoryview) -> None:
        done = 0
        while done < len(view):
            try:
                done += _os_write(self._fd, view[done:])
            except OSError as exc:
                if exc.errno != errno.EINVAL or not self.direct:
                    raise
                self._buffered()  # refused: this and the rest through the page cache

    def _buffered(self) -> None:
        if self.direct:
            self.direct = False
            if not _set_direct(self._fd, False):
                raise OSError(errno.EIO, "cannot turn O_DIRECT off")


class _BackgroundWriter:
    """Writes chunks of bytes (:func:`_encode`) to ``handle`` in a thread while the caller
    builds the next (polars releases the GIL). A regular file is written by a
    :class:`_FileSink` (directly to the disk where it can); through the page cache its chunks
    are also synced to disk as they come (``fdatasync`` in the thread, not waited for by the
    encoder), so the final fsync of :func:`atomic_open` finds little left: the disk works
    while the rest is encoded. The first error of the thread is raised in the caller, at its
    next :meth:`put` or at the end."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._queue: queue.Queue[list[memoryview | bytes] | None] = queue.Queue(1)
        self._error: BaseException | None = None
        self._sink: _FileSink | None = None
        if _is_regular(handle):
            handle.flush()  # from here on the bytes go to its descriptor
            self._sink = _FileSink(handle.fileno())
        self._thread = threading.Thread(target=self._run, name="evaltui-json-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain, so the caller never blocks on a full queue
            try:
                self._write(chunk)
            except BaseException as exc:  # raised again in the caller
                self._error = exc
            del chunk
            self._queue.task_done()
        if self._sink is not None and self._error is None:
            try:
                self._sink.close()
            except BaseException as exc:
                self._error = exc

    def _write(self, chunk: list[memoryview | bytes]) -> None:
        if self._sink is None:
            for piece in chunk:
                self._handle.write(piece)
            return
        for piece in chunk:
            self._sink.write(piece)
        if not self._sink.direct:
            _datasync(self._handle.fileno())

    def put(self, chunk: list[memoryview | bytes]) -> None:
        """Hand ``chunk`` over once the previous one is written: at most two chunks are alive
        (one written, one built), as memory goes."""
        self._queue.join()
        self._raise()
        self._queue.put(chunk)

    def close(self, check: bool = True) -> None:
        """Wait for every chunk to be written; raise the thread's error, if any (``check``)."""
        self._queue.put(None)
        self._thread.join()
        if check:
            self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error


def _is_regular(handle: IO[bytes]) -> bool:
    try:
        return stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
    except (OSError, ValueError, io.UnsupportedOperation):
        return False  # a pipe, a terminal, an in-memory buffer: nothing to sync


#: ``fdatasync`` where the system has it (not macOS), else ``fsync``.
_datasync = getattr(os, "fdatasync", os.fsync)


def write_combined_json_to(stats: pl.DataFrame, handle: IO[bytes]) -> None:
    """Write the combined JSON's bytes: exactly those of ``json_text(json_safe(
    combined_records(stats)), indent=2)`` and a newline, built a chunk of rows at a time (each
    object one text made by polars); each chunk is written (in a thread) while the next is
    built."""
    if stats.height == 0 or not all(_vectorised(dtype) for dtype in stats.dtypes):
        # no rows, or a column type only the Python encoder knows
        handle.writelines(chunk.encode("utf-8") for chunk in _json_chunks(combined_records(stats)))
        return
    between = len(_BETWEEN_OBJECTS.encode("utf-8"))
    writer = _BackgroundWriter(handle)
    try:
        for start in range(0, stats.height, _ROWS_PER_CHUNK):
            chunk: list[memoryview | bytes] = [*_encode(stats.slice(start, _ROWS_PER_CHUNK))]
            if start == 0:
                chunk.insert(0, b"[\n  {\n")
            if start + _ROWS_PER_CHUNK >= stats.height:  # the last object closes the list
                chunk[-1] = chunk[-1][:-between]
                chunk.append(_AFTER_LAST.encode("utf-8"))
            writer.put(chunk)
            del chunk  # not kept alive past its write
    except BaseException:
        writer.close(check=False)  # this error, not a later one of the thread
        raise
    writer.close()


def write_combined_json(
    stats: pl.DataFrame, path: str | os.PathLike[str], rescored_with: str | None = None
) -> Path:
    """Write the combined JSON (a list, one object per prompt per run) atomically, UTF-8.

    Stats of a re-score (``stored_*`` keys beside the new ones) name their scorer in the
    manifest, ``rescored_with``, as the other exports of them do."""
    with marked(path, "combined"):
        written = write_with(path, lambda handle: write_combined_json_to(stats, handle), "wb")
        details = {} if rescored_with is None else {"rescored_with": rescored_with}
        mark_output(written, "combined", prompts=stats.height, **details)
    return written


@contextlib.contextmanager
def marked(path: str | os.PathLike[str], kind: str) -> Iterator[None]:
    """Mark ``path`` as evaltui's before it is written, so a folder being followed never sees the
    output without its mark; :func:`mark_output` completes the manifest after the write. A write
    that fails puts back the manifest that was there (or none)."""
    from evaltui.data.marks import manifest_path, pending_manifest

    if is_stdout(path) or _not_a_file(path):  # a pipe, a device: nothing on disk to mark
        yield
        return
    if os.path.isdir(path):  # ``-o .``: no name to mark; atomic_open says why
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file: give a file path", str(path))
    target = manifest_path(path)
    try:
        before: bytes | None = target.read_bytes()
    except OSError:
        before = None
    data = pending_manifest(path, kind)
    # Readable by whom the output is (an existing one's mode; 0600 kept it private, and its
    # manifest, which names its sources and their lines, was 0644)
    output = Path(os.path.realpath(path))
    with manifest_named_by_output(path, target):
        write_with(target, lambda h: json.dump(json_safe(data), h, indent=2), like=output)
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            if before is None:
                target.unlink()
            else:
                saved = before

                def restore(handle: IO[Any]) -> None:
                    handle.write(saved)

                write_with(target, restore, "wb")
        raise


def input_at(path: str | os.PathLike[str], files: Iterable[Any]) -> str | None:
    """The source name of the load's input file that ``path`` is (the same file, through any
    link or other name), or None. Writing there would destroy the data being written about (a
    filtered export of records over the file they come from, ``summarize -o`` an input); a file
    evaltui itself wrote (a summary, an export in the input folder) may be replaced."""
    from evaltui.data.formats import read_head
    from evaltui.data.marks import is_manifest, written_by_evaltui

    if is_stdout(path):
        return None
    try:
        mine = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(mine.st_mode):
        return None
    for report in files:
        if report.path is None:
            continue
        try:
            theirs = os.stat(report.path)
        except OSError:
            continue
        if (theirs.st_dev, theirs.st_ino) != (mine.st_dev, mine.st_ino):
            continue
        if report.format is None:  # skipped: evaltui's own output may be replaced
            their_path = Path(report.path)
            with contextlib.suppress(OSError):
                if is_manifest(their_path) or written_by_evaltui(their_path, read_head(their_path)):
                    continue
        return str(report.source)
    return None


def refuse_input(path: str | os.PathLike[str], files: Iterable[Any]) -> None:
    """Raise :class:`OutputIsInput` when ``path`` is one of the load's input files."""
    source = input_at(path, files)
    if source is not None:
        raise OutputIsInput(
            f"{visible(os.fspath(path), multiline=False)} is the input file "
            f"{visible(source, multiline=False)}: writing "
            "there would destroy it; give another path (nothing was written)"
        )


class OutputIsInput(ValueError):
    """An output path that is one of the input files (see :func:`input_at`)."""


def mark_output(path: str | os.PathLike[str], kind: str, **details: Any) -> None:
    """Write the manifest beside a just-written output, so evaltui never reads it back as data."""
    from evaltui.data.marks import manifest, manifest_path

    target = Path(path)
    written = staged_path(target)  # held back by all_or_none: the new content is there
    if is_stdout(path) or not written.is_file():  # stdout, a device: nothing on disk to mark
        return
    data = manifest(target, kind, size=written.stat().st_size, **details)
    beside = manifest_path(target)
    with manifest_named_by_output(path, beside):
        write_with(beside, lambda h: json.dump(json_safe(data), h, indent=2), like=written)


@contextlib.contextmanager
def manifest_named_by_output(path: str | os.PathLike[str], beside: Path) -> Iterator[None]:
    """An error writing ``beside``, the manifest of ``path``, as an error writing ``path``: the
    user asked for ``path`` and never named its manifest, so a message that named the manifest
    alone ('cannot write /sys/x.json.evaltui.json', or a folder at the manifest's name read as
    'cannot write x.json: a folder, not a file') did not say what went wrong with what."""
    try:
        yield
    except (OutputAppeared, NotPutInPlace):
        raise
    except OSError as exc:
        if exc.filename is not None and os.fspath(exc.filename) not in (
            os.fspath(beside),
            os.path.realpath(beside),
        ):
            raise  # about its folder (a file where a folder is to be made): the output's too
        reason = "a folder is there" if exc.errno == errno.EISDIR else exc.strerror or str(exc)
        raise OSError(
            exc.errno, f"its manifest {beside.name} beside it: {reason}", os.fspath(path)
        ) from exc


def write_problems(
    errors: Iterable[Any],
    files: Iterable[Any],
    path: str | os.PathLike[str],
    notes: Iterable[str] = (),
) -> tuple[int, int]:
    """Every bad line and skipped file of a load, then its readers' notes, one JSON object a
    line, atomically (or on stdout for ``-``), marked as evaltui's: ``{"kind": "bad line" |
    "skipped file" | "note", "source", "path", "line", "reason"}``. ``line`` is 1-based, a line
    of the file, null for a whole file (a skipped one, or one at fault as a whole) and for a
    file without lines, whose ``reason`` starts with the place (an ``.eval`` archive's
    member, a parquet's row counted from 0); ``path`` is the file's own
    path, null when not known; a note has only its text, as ``reason``, one per file it is
    about. The terminal lists the first five of each; a script reads them all here.
    ``errors`` are the load's :class:`LoadError`\\ s, ``files`` its file reports (companion
    files, skipped quietly by design, are not listed). Returns how many bad lines and skipped
    files."""
    reports = list(files)
    paths = {f.source: f.path for f in reports if f.path is not None}
    rows = [
        {
            "kind": "bad line",
            "source": error.source,
            "path": None if paths.get(error.source) is None else str(paths[error.source]),
            "line": error.line,
            "reason": error.reason,
        }
        for error in errors
    ]
    bad = len(rows)
    rows += [
        {
            "kind": "skipped file",
            "source": report.source,
            "path": None if report.path is None else str(report.path),
            "line": None,
            "reason": report.skipped,
        }
        for report in reports
        if report.skipped is not None and not report.companion
    ]
    skipped = len(rows) - bad
    rows += [
        {"kind": "note", "source": None, "path": None, "line": None, "reason": note}
        for note in notes
    ]

    def write(handle: IO[Any]) -> None:
        handle.writelines(json_text(json_safe(row)) + "\n" for row in rows)

    with marked(path, "bad-lines"):
        write_with(path, write)
        mark_output(path, "bad-lines", bad_lines=bad, skipped_files=skipped)
    return bad, skipped


def default_export_dir(
    inputs: Iterable[str | os.PathLike[str]], cwd: Path | None = None, home: Path | None = None
) -> Path:
    """Where the app offers to write exports: the working directory, like any command-line tool,
    unless that is inside the data being explored (``cd results && evaltui .``); then
    ``~/evaltui-exports``, so exports never land among the eval files they summarise."""
    cwd = (cwd or Path.cwd()).resolve()
    for raw in inputs:
        path = (cwd / Path(raw).expanduser()).resolve()  # an absolute path stays itself
        folder = path if path.is_dir() else path.parent
        if cwd == folder or folder in cwd.parents:
            return (home or Path.home()) / "evaltui-exports"
    return cwd


ExportKind = Literal["combined", "records", "csv", "parquet"]
EXPORT_KINDS: dict[ExportKind, tuple[str, str]] = {
    # each fits the dialog's line at 80 columns (~49 cells with its scrollbar): longer, they
    # were cut there (the README says more: JSON lines written unchanged)
    "combined": ("combined JSON: per-prompt stats, as summarize", ".json"),
    "records": ("the generations' original records (JSONL)", ".jsonl"),
    "csv": ("per-prompt stats as CSV", ".csv"),
    "parquet": ("per-prompt stats as Parquet", ".parquet"),
}


@dataclass(frozen=True, slots=True)
class ExportSummary:
    path: Path
    kind: ExportKind
    prompts: int
    records: int
    """Lines written: records for ``records``, prompts otherwise."""
    sources: list[dict[str, Any]] = field(default_factory=list)
    """For ``records``: where each written line came from (see :func:`write_records`)."""
    runs: int = 1
    """Runs among the exported stats rows: of several, ``prompts`` counts rows (run × prompt),
    as the app's table and export dialog count them, not distinct prompts."""
    replaced: bool = False
    """A file was at ``path`` before (``export --force``): said ``replaced PATH with …``."""

    def notes(self) -> list[str]:
        """What a records export holds beyond "the input lines unchanged": the sources whose
        records were re-encoded (one JSON document, an archive, parquet) and how, and that lines
        of several files share one file (the manifest says which came from where)."""
        if self.kind != "records":
            return []
        notes = []
        forms: dict[str, list[str]] = {}
        for entry in self.sources:
            if entry.get("form"):
                forms.setdefault(str(entry["form"]), []).append(str(entry["format"]))
        for form, formats in forms.items():
            files = plural(len(formats), "file")
            notes.append(f"{'/'.join(dict.fromkeys(formats))} ({files}): {form}")
        replaced = _line_places(self.sources, "invalid_utf8_lines")
        if replaced:
            # The one change to a record's own text: the export is UTF-8, the source was not.
            records, shown = replaced
            notes.append(
                f"{plural(records, 'record')} with bytes that are not UTF-8 written with U+FFFD"
                f" in their place ({shown}; the manifest's invalid_utf8_lines)"
            )
        left = [entry for entry in self.sources if entry.get("companions_left")]
        if left:
            # Their results (OpenCompass's details) too big for the manifest: read back unscored.
            kinds = "/".join(dict.fromkeys(str(entry["format"]) for entry in left))
            names = ", ".join(dict.fromkeys(str(n) for e in left for n in e["companions_left"]))
            notes.append(
                f"{kinds} ({plural(len(left), 'file')}): what the records need of the files"
                f" beside them ({names}) is too big for the manifest to keep: read back, they"
                " lack it (their scores are in those files, not in the records)"
            )
        nonstandard = _line_places(self.sources, "nonstandard_json_lines")
        if nonstandard:
            # Kept as the source wrote them (the records are the input's own), but said: a
            # strict JSON reader refuses these lines, and jq 1.6 reads them wrong.
            records, shown = nonstandard
            notes.append(
                f"{plural(records, 'record')} with NaN or Infinity as a number, kept as the"
                f" source wrote {'it' if records == 1 else 'them'}: not strict JSON ({shown};"
                " the manifest's nonstandard_json_lines)"
            )
        if len(self.sources) > 1:
            # Read back by name, the manifest has each source's lines read as its own file
            # (evaltui.data.readback); on standard output there is no manifest.
            stdout = is_stdout(self.path)
            where = (
                "not kept on standard output" if stdout else f"in {manifest_path(self.path).name}"
            )
            apart = not stdout and all(reads_back(entry) for entry in self.sources)
            back = (
                "read back, each source's lines are read as that file's"
                if apart
                else "read back, they are one file's"
            )
            notes.append(
                f"lines of {plural(len(self.sources), 'source file')} in one file (which came"
                f" from which: {where}); {back}"
            )
        return notes

    def __str__(self) -> str:
        # 120 rows of 60 prompts × 2 runs are not "120 prompts" (the dialog said "120 rows")
        rows = rows_words(self.prompts, self.runs > 1)
        what = f"{plural(self.records, 'record')} of {rows}" if self.kind == "records" else rows
        where = "standard output" if is_stdout(self.path) else str(self.path)
        said = f"replaced {where} with {what}" if self.replaced else f"wrote {what} to {where}"
        return "; ".join([said, *self.notes()])


def _line_places(sources: list[dict[str, Any]], key: str) -> tuple[int, str] | None:
    """How many records the sources' ``key`` ranges (``[first, last]`` source lines) hold, and
    the first three places (``a.jsonl:3-5, b.jsonl:9, …``); None when there are none."""
    places = [
        (str(entry["source"]), first, last)
        for entry in sources
        for first, last in entry.get(key, [])
    ]
    if not places:
        return None
    records = sum(last - first + 1 for _source, first, last in places)
    shown = ", ".join(
        f"{source}:{first}" + (f"-{last}" if last > first else "")
        for source, first, last in places[:3]
    ) + (", …" if len(places) > 3 else "")
    return records, shown


def kind_for_path(path: str | os.PathLike[str], default: ExportKind = "combined") -> ExportKind:
    """The export kind a file name asks for by its suffix (.csv, .parquet, .jsonl)."""
    suffix = Path(path).suffix.lower()
    return {".csv": "csv", ".parquet": "parquet", ".jsonl": "records"}.get(suffix, default)  # type: ignore[return-value]


SUFFIX_KINDS: dict[str, ExportKind] = {
    ".json": "combined",
    ".jsonl": "records",
    ".ndjson": "records",
    ".csv": "csv",
    ".parquet": "parquet",
}
"""File suffixes that say which kind of export a file holds."""

KIND_CONTENTS: dict[ExportKind, str] = {
    "combined": "a JSON array (the combined JSON)",
    "records": "JSON lines (the original records)",
    "csv": "CSV (the per-prompt stats)",
    "parquet": "Parquet (the per-prompt stats)",
}
"""What a file of each kind holds, as a note about its name says it."""

KIND_SHORT: dict[ExportKind, str] = {
    "combined": "a JSON array",
    "records": "JSON lines",
    "csv": "CSV",
    "parquet": "Parquet",
}
""":data:`KIND_CONTENTS` where there is little room."""


def suffix_mismatch(kind: ExportKind, path: str | os.PathLike[str]) -> ExportKind | None:
    """The kind ``path``'s suffix names when it is not ``kind`` (``x.jsonl`` for a combined
    JSON export), else None: an unknown suffix, none, or standard output name no kind."""
    if is_stdout(path):
        return None
    named = SUFFIX_KINDS.get(Path(path).suffix.lower())
    return named if named is not None and named != kind else None


def mismatch_words(
    kind: ExportKind, path: str | os.PathLike[str], *, short: bool = False, name_cells: int = 30
) -> str:
    """ "x.jsonl will hold a JSON array (the combined JSON); name it .json" when ``path``'s
    suffix names another kind than ``kind``; "" when it does not. ``short``: "x.jsonl gets
    a JSON array; name it .json". The name is made visible and cut in the middle to
    ``name_cells`` (it is the user's, and may hold anything; its suffix is what matters)."""
    if suffix_mismatch(kind, path) is None:
        return ""
    name = one_line_middle(Path(path).name, name_cells)
    if short:
        return f"{name} gets {KIND_SHORT[kind]}; name it {EXPORT_KINDS[kind][1]}"
    return f"{name} will hold {KIND_CONTENTS[kind]}; name it {EXPORT_KINDS[kind][1]}"


def record_rows(view_stats: pl.DataFrame, generations: pl.DataFrame) -> pl.DataFrame:
    """(source, line, offset) of every input record behind the view's prompts, unique, in file order."""
    keys = view_stats.select("run", "prompt_id").unique()
    return (
        generations.join(keys, on=["run", "prompt_id"], how="semi")
        .select("source", "line", "offset")
        .unique(subset=["source", "line"], maintain_order=True)
        .sort(["source", "line"], maintain_order=True)
    )


#: The most characters of the sources' ``companions`` a records export's manifest keeps: a
#: manifest over 1 MB is not read (:mod:`evaltui.data.marks`), and so no source read back.
COMPANION_CHARS = 500_000


def write_records(
    view_stats: pl.DataFrame,
    generations: pl.DataFrame,
    files: Iterable[Any],
    path: str | os.PathLike[str],
    sources: list[dict[str, Any]] | None = None,
) -> int:
    """Write the original records of the view's generations as JSONL, each unchanged; returns how many.

    ``files`` are the load's file reports (``source``, ``format``, ``path``): each record is read
    back from its source by the reader that produced it, so nothing was kept in memory for this.
    Records are written source by source, so where each came from fits in one entry per source,
    appended to ``sources``: ``{"source", "path", "format", "runs", "first_line", "last_line",
    "source_lines"}`` (output lines 1-based and inclusive; ``source_lines`` the records' line or
    entry numbers in their source, in output order, as ``[first, last]`` ranges). A multi-run view's records stay unchanged and
    can still be told apart.
    """
    from evaltui.data.formats import get_reader

    by_source = {f.source: f for f in files if f.format is not None and f.path is not None}
    rows = record_rows(view_stats, generations)
    groups = [
        (str(source), group) for (source,), group in rows.group_by("source", maintain_order=True)
    ]
    for source, _group in groups:  # all checked before anything is written
        check_unchanged(source, by_source.get(source))
    keys = view_stats.select("run", "prompt_id").unique()
    # per source: its runs, and whether the load gave any of its rows a reference answer
    loaded = {
        source: (runs, answered)
        for source, runs, answered in generations.join(keys, on=["run", "prompt_id"], how="semi")
        .group_by("source")
        .agg(pl.col("run").unique().sort(), pl.col("answer").is_not_null().any())
        .iter_rows()
    }
    count = 0
    kept = 0  # characters of companions in the manifest
    tty = to_terminal(path)
    beside = _new_scores(generations, keys)
    with open_output(path) as handle:
        for source, group in groups:
            report = by_source[source]
            reader = get_reader(report.format)
            lines = group["line"].to_list()
            offsets = group["offset"].to_list()
            first = count + 1
            form = reader.records_form(Path(report.path))
            replaced: list[int] = []  # source lines whose invalid UTF-8 became U+FFFD
            nonstandard: list[int] = []  # source lines with NaN/Infinity as a number
            texts = reader.records(Path(report.path), zip(lines, offsets, strict=True))
            for text, line, offset in zip(texts, lines, offsets, strict=True):
                # Unchanged into a file or a pipe; a terminal sees control characters made visible.
                # (A record re-encoded from JSON may hold a lone "\ud800" no file can store.)
                text = clean_text(text)
                if form is None and "\ufffd" in text and _invalid_utf8(report.path, offset):
                    replaced.append(line)
                if _nonstandard_json(text):
                    nonstandard.append(line)
                handle.write(visible(text) if tty else text)
                handle.write("\n")
                count += 1
            check_unchanged(source, report)  # replaced while we read it: the temp file goes
            if sources is not None:
                entry = {
                    "source": str(source),
                    "path": str(report.path),
                    "format": report.format,
                    "runs": loaded.get(source, ([], True))[0],
                    "first_line": first,
                    "last_line": count,
                    "source_lines": line_ranges(lines),
                    # None: the source's own lines (their text, LF-ended: see _framing); else
                    # how they were re-encoded
                    "form": reader.records_form(Path(report.path)),
                    # whether evaltui reads this source's records back as its format
                    "reads_back": reader.records_read_back(Path(report.path)),
                    # what the file's header or name said its task is (read back, see readback)
                    "task": reader.records_task(Path(report.path)),
                    # false: the load gave its rows no reference answer, as a file beside it
                    # decided (an lm-eval task's constant doc_to_target): read back without one
                    "references": loaded.get(source, ([], True))[1],
                }
                companions = reader.records_companions(Path(report.path), lines)
                size = len(json.dumps(companions)) if companions else 0
                if companions and kept + size <= COMPANION_CHARS:
                    # what of the files beside it the source's rows need, written again beside
                    # its records read back (an lm-eval task's doc_to_choice, in its results)
                    entry["companions"] = companions
                    kept += size
                elif companions:  # a manifest too big is no manifest: said instead
                    entry["companions_left"] = sorted(companions)
                if form is None:
                    # The export is one UTF-8 JSONL file of LF-ended lines: what of the source's
                    # framing it does not keep, so its bytes can be told (see the README).
                    entry.update(
                        _framing(Path(report.path)), invalid_utf8_lines=line_ranges(replaced)
                    )
                entry["nonstandard_json_lines"] = line_ranges(nonstandard)
                if beside is not None:
                    entry["rescored"] = _rescored_entries(beside, source, lines)
                sources.append(entry)
    return count


def _framing(path: Path) -> dict[str, Any]:
    """A JSON-lines source's ``bom`` (whether it starts with a UTF-8 byte-order mark) and
    ``line_endings``: ``"CRLF"`` or ``"LF"`` by its first LF, ``"CR"`` when it has no LF but a CR
    (as the readers split it), ``null`` for one line with no end. A records export writes
    neither: its records end in LF."""
    try:
        with path.open("rb") as handle:
            first = handle.read(1 << 16)
            chunk, before, cr = first, b"", False
            while chunk:
                lf = chunk.find(b"\n")
                if lf != -1:
                    before = chunk[lf - 1 : lf] if lf else before
                    endings: str | None = "CRLF" if before == b"\r" else "LF"
                    break
                cr = cr or b"\r" in chunk
                before, chunk = chunk[-1:], handle.read(1 << 16)
            else:
                endings = "CR" if cr else None
    except OSError:
        return {"bom": None, "line_endings": None}
    return {"bom": first.startswith(b"\xef\xbb\xbf"), "line_endings": endings}


class _NonStandard(Exception):
    """A JSON text holds NaN, Infinity or -Infinity as a number."""


def _refuse_constant(name: str) -> Any:
    raise _NonStandard(name)


def _nonstandard_json(text: str) -> bool:
    """Whether a record's JSON holds ``NaN``, ``Infinity`` or ``-Infinity`` as a number, as
    Python's ``json`` writes a non-finite float (lm-eval's ``mae``, a re-encoded Inspect score):
    no strict JSON reader takes it (``JSON.parse``, Go, serde fail; jq 1.6 reads Infinity as
    1.797e308 and NaN as null). Records are written as their source has them all the same
    (see the README); the manifest and the end line say which. Only a text holding one of the
    words is parsed again."""
    if "NaN" not in text and "Infinity" not in text:
        return False
    try:
        json.loads(text, parse_constant=_refuse_constant)
    except _NonStandard:
        return True
    except ValueError:
        return False
    return False


def _invalid_utf8(path: str | os.PathLike[str], offset: int | None) -> bool:
    """Whether the record line at ``offset`` holds bytes that are not UTF-8 (read as U+FFFD),
    rather than a U+FFFD of its own."""
    from evaltui.data.formats.base import line_at

    if offset is None:
        return False
    try:
        with open(path, "rb") as handle:
            raw = line_at(handle, offset)
    except OSError:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _new_scores(generations: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame | None:
    """After a re-score: per (source, line) of the view, the new and the stored score of each of
    the record's generations (in sample order) and their statuses; None without a re-score."""
    if "stored_accuracy" not in generations.columns:
        return None
    status = pl.col("score_status") if "score_status" in generations.columns else pl.lit(None)
    return (
        generations.join(keys, on=["run", "prompt_id"], how="semi")
        .sort("source", "line", "sample", maintain_order=True)
        .group_by("source", "line", maintain_order=True)
        .agg(
            pl.col("accuracy").alias("new_accuracy"),
            pl.col("stored_accuracy"),
            status.alias("score_status"),
        )
    )


def _rescored_entries(beside: pl.DataFrame, source: str, lines: list[int]) -> list[dict[str, Any]]:
    """The new scores beside the records of ``source`` written (one entry per output line, in
    order): ``{"line", "new_accuracy", "stored_accuracy", "score_status"}``, lists with one
    element per generation of the record."""
    mine = beside.filter(pl.col("source") == source)
    by_line = {row["line"]: row for row in mine.iter_rows(named=True)}
    out = []
    for line in lines:
        row = by_line.get(line, {})
        out.append(
            {
                "line": line,
                "new_accuracy": json_safe(row.get("new_accuracy") or []),
                "stored_accuracy": json_safe(row.get("stored_accuracy") or []),
                "score_status": row.get("score_status") or [],
            }
        )
    return out


class SourceChanged(ValueError):
    """A file whose records were to be re-read is no longer the version loaded (rewritten,
    replaced, gone) or no longer part of the load: what was read of it is out of date. While
    following, the next look reads it again, and the same export then succeeds."""

    def __init__(self, message: str, source: str) -> None:
        super().__init__(message)
        self.source = source
        """The file (as the load names it) that changed."""


def check_unchanged(
    source: str, report: Any, doing: str = "exporting its original records (nothing was written)"
) -> None:
    """Refuse to re-read records of a file that is gone from the load or no longer the one read.

    Records (and generation text, :mod:`evaltui.data.texts`) are re-read at the byte offsets (or
    entry indexes) found when loading: in a file rewritten since, those point into other lines,
    and their fragments must never be exported or shown. ``doing`` ends the message.
    """
    if report is None:
        raise SourceChanged(
            f"{source}: no longer known to this load; cannot re-read its records", source
        )
    identity = getattr(report, "identity", None)
    if identity is not None and identity.changed(Path(report.path)):
        raise SourceChanged(
            f"{source} has changed since it was loaded: reload before {doing}", source
        )


def line_ranges(lines: list[int]) -> list[list[int]]:
    """Ascending line numbers as inclusive ``[first, last]`` runs: [1, 2, 3, 7] -> [[1, 3], [7, 7]]."""
    ranges: list[list[int]] = []
    for line in lines:
        if ranges and line == ranges[-1][1] + 1:
            ranges[-1][1] = line
        else:
            ranges.append([line, line])
    return ranges


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells a spreadsheet would run as a formula get a leading ``'`` (OWASP's advice).

    Cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a CR, and cells that start with
    ``'`` themselves, get one ``'`` in front; to recover the value, drop one leading ``'`` from
    every text cell that starts with it. Numbers are written as numbers and left alone.
    """
    texts = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.slice(0, 1).is_in(list(FORMULA_START)))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in texts
    )


def _flat(view_stats: pl.DataFrame) -> pl.DataFrame:
    # CSV has no lists: gen_lengths becomes space-separated numbers.
    lists = [c for c, t in view_stats.schema.items() if isinstance(t, pl.List)]
    return view_stats.with_columns(pl.col(c).cast(pl.List(pl.String)).list.join(" ") for c in lists)


def export_view(
    kind: ExportKind,
    view_stats: pl.DataFrame,
    generations: pl.DataFrame,
    files: Iterable[Any],
    path: str | os.PathLike[str],
    rescored_with: str | None = None,
) -> ExportSummary:
    """Write the current view in one of :data:`EXPORT_KINDS`, atomically.

    After a re-score (``rescored_with`` names the scorer; ``generations`` carry
    ``stored_accuracy``), the stats hold the new scores with ``stored_*`` beside, and a records
    export's manifest gives, per record written, its generations' new and stored scores (the
    records themselves stay unchanged)."""
    target = Path(path)
    refuse_input(path, files)
    if kind == "parquet" and to_terminal(path):
        raise ValueError("Parquet is binary: write it to a file or a pipe, not to the terminal")
    if kind == "combined":  # write_combined_json marks its own output
        write_combined_json(view_stats, target, rescored_with)
        return ExportSummary(
            target, kind, view_stats.height, view_stats.height, [], _runs(view_stats)
        )
    with marked(target, kind):
        return _export_marked(kind, view_stats, generations, files, target, rescored_with)


def _export_marked(
    kind: ExportKind,
    view_stats: pl.DataFrame,
    generations: pl.DataFrame,
    files: Iterable[Any],
    target: Path,
    rescored_with: str | None = None,
) -> ExportSummary:
    sources: list[dict[str, Any]] = []
    if kind == "records":
        written = write_records(view_stats, generations, files, target, sources)
    elif kind == "csv":
        frame = csv_safe(_flat(view_stats))
        if to_terminal(target):
            # A terminal sees control characters made visible (as records do); a file or a pipe
            # gets the CSV unchanged.
            write_with(target, lambda h: h.writelines([visible(frame.write_csv())]))
        else:
            write_with(target, lambda h: frame.write_csv(h), "wb")
        written = view_stats.height
    elif kind == "parquet":
        write_parquet(view_stats, target)
        written = view_stats.height
    else:
        raise ValueError(f"unknown export kind {kind!r}")
    # A records export says where each line came from in its manifest (see write_records).
    where: dict[str, Any] = {"sources": sources} if kind == "records" else {}
    if rescored_with is not None:
        where["rescored_with"] = rescored_with
    mark_output(target, kind, prompts=view_stats.height, records=written, **where)
    return ExportSummary(target, kind, view_stats.height, written, sources, _runs(view_stats))


def _runs(view_stats: pl.DataFrame) -> int:
    return view_stats["run"].n_unique() if "run" in view_stats.columns else 1
