"""Atomic output writing: JSON, text, tables and figures, one file or a whole set.

Outside an output set, each file is written to a temporary file in the target
folder and then moved into place with :func:`os.replace`, so a reader never sees a
half-written file.  Inside :func:`output_set` (every CLI command runs in one) the
files of the run are staged in a private folder and moved into place together
by :meth:`OutputSet.commit` only when the command has finished, under a lock on
each target folder: a reader sees the old set or the new set, an interrupted or
failed run writes nothing, and two runs into one folder commit one after the
other.  No output may replace one of the run's input files.
"""

from __future__ import annotations

import contextvars
import fcntl
import json
import math
import os
import shutil
import signal
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from .errors import InputError

LOCK_TIMEOUT_S = 120.0  # s a commit waits for another run that is committing into the same folder
STAGING_PREFIX = ".interstore-staging-"
LOCK_NAME = ".interstore.lock"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _unwritable(folder: Path, exc: OSError) -> InputError:
    return InputError(folder, f"cannot write the outputs here ({exc.strerror or exc})",
                      expected="a writable folder for --out / --json")


def _make_folder(folder: Path) -> None:
    """Create ``folder`` and its parents; a file in the way or no permission is an :class:`InputError`."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError(folder, "exists and is not a folder",
                         expected="a folder (or a path that does not exist yet) for the outputs") from None
    except OSError as exc:
        raise _unwritable(folder, exc) from None


def _atomic_write(path: Path, fill: Callable[[BinaryIO], None]) -> Path:
    """Write one output with ``fill(file)``: staged in the active :class:`OutputSet`, else to a
    temporary sibling given the usual 0666 & ~umask mode and renamed into place."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, "is an existing folder", expected="a file path for the output")
    active = _ACTIVE.get()
    if active is not None:
        return active.write(path, fill)
    _make_folder(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path.parent, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` as one output (see :func:`_atomic_write`)."""
    return _atomic_write(path, lambda fh: fh.write(data))


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes atomically."""
    return _atomic_write_bytes(Path(path), data)


def write_chunks(path: str | Path, chunks: Iterable[str]) -> Path:
    """Write text pieces as UTF-8 atomically, without holding the whole text in memory."""
    return _atomic_write(Path(path), lambda fh: fh.writelines(c.encode("utf-8") for c in chunks))


def _lock(path: Path, folder: Path, timeout_s: float) -> int:
    """An exclusive ``flock`` on ``path`` (created if needed), waiting up to ``timeout_s``.
    The lock file is removed on release, so after locking we check it is still the file at
    ``path`` (a previous holder may have removed it meanwhile) and retry if not."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666 & ~_umask())
        except OSError as exc:
            raise _unwritable(folder, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() > deadline:
                raise InputError(folder, f"another interstore run kept writing its outputs here for {timeout_s:g} s",
                                 expected="one run at a time per output folder") from None
            time.sleep(0.05)
            continue
        try:
            current = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            current = False
        if current:
            return fd
        os.close(fd)


def _unlock(path: Path, fd: int) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
    os.close(fd)


class _Stage:
    """The private staging folder of one target folder.  A target folder that does not exist
    yet is staged beside it and renamed into place whole; an existing one is staged inside it
    and its files are replaced one by one (with interrupts held back)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[str] = []
        self.new = not folder.exists()
        if not self.new and not folder.is_dir():
            raise InputError(folder, "exists and is not a folder",
                             expected="a folder (or a path that does not exist yet) for the outputs")
        parent = folder.parent if self.new else folder
        if self.new:
            _make_folder(parent)
        try:
            self.dir = Path(tempfile.mkdtemp(dir=parent, prefix=(f".{folder.name}" if self.new else "")
                                             + STAGING_PREFIX))
        except OSError as exc:
            raise _unwritable(folder, exc) from None

    def lock(self, timeout_s: float) -> list[tuple[Path, int]]:
        """Take the folder's lock(s): beside a folder this run creates, inside an existing one
        (both when the folder appeared while this run was staging)."""
        held: list[tuple[Path, int]] = []
        try:
            if self.new:
                beside = self.folder.parent / f".{self.folder.name}{LOCK_NAME}"
                held.append((beside, _lock(beside, self.folder, timeout_s)))
            if self.folder.is_dir():
                inside = self.folder / LOCK_NAME
                held.append((inside, _lock(inside, self.folder, timeout_s)))
        except BaseException:
            for path, fd in reversed(held):
                _unlock(path, fd)
            raise
        return held

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def move_into_place(self) -> None:
        """Move the staged files to the target folder (the caller holds the locks, signals blocked)."""
        if self.new and not self.folder.exists():
            os.chmod(self.dir, 0o777 & ~_umask())  # mkdtemp creates 0700
            os.rename(self.dir, self.folder)
            return
        for name in self.files:
            os.replace(self.dir / name, self.folder / name)
        os.rmdir(self.dir)


class OutputSet:
    """The files one run writes, staged and then committed together.

    ``inputs`` are the run's input files: writing an output onto one of them (the same
    file by device and inode, whatever the spelling of the path) is an :class:`InputError`.
    More inputs can be added while the run reads them (:func:`note_input`)."""

    def __init__(self, inputs: Iterable[str | Path] = ()) -> None:
        self._inputs: dict[tuple[int, int], Path] = {}
        self._stages: dict[Path, _Stage] = {}
        self._after_commit: list = []
        self.committed = False
        for p in inputs:
            self.add_input(p)

    def add_input(self, path: str | Path) -> None:
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return
        self._inputs[(st.st_dev, st.st_ino)] = Path(path)

    def refuse_input(self, target: str | Path) -> None:
        """Raise :class:`InputError` when ``target`` is (a link to) one of the inputs."""
        for spelling in (target, os.path.abspath(target)):  # abspath: 'no-such-dir/../input.csv'
            try:
                st = os.stat(spelling)
            except (OSError, ValueError):
                continue
            if (st.st_dev, st.st_ino) in self._inputs:
                raise InputError(target, "is an input file of this run and would be overwritten",
                                 expected="an output path (--json, --out) that is not one of the inputs")

    def write(self, target: Path, fill: Callable[[BinaryIO], None]) -> Path:
        """Stage the file ``fill(file)`` writes for ``target``; returns ``target`` (where it will be
        after commit)."""
        self.refuse_input(target)
        folder = Path(os.path.abspath(target.parent))
        stage = self._stages.get(folder) or self._stages.setdefault(folder, _Stage(folder))
        with open(stage.dir / target.name, "wb") as fh:
            fill(fh)
        os.chmod(stage.dir / target.name, 0o666 & ~_umask())
        if target.name not in stage.files:
            stage.files.append(target.name)
        return target

    def location(self, target: str | Path) -> Path:
        """Where the file written for ``target`` can be read now (its staged copy before commit)."""
        target = Path(target)
        stage = self._stages.get(Path(os.path.abspath(target.parent)))
        if stage is not None and not self.committed and target.name in stage.files:
            return stage.dir / target.name
        return target

    def commit(self, *, lock_timeout_s: float = LOCK_TIMEOUT_S) -> None:
        """Move every staged file into place: for each target folder, wait for its lock, then
        rename with SIGINT/SIGTERM held back so an interrupt cannot stop the set half-way."""
        for stage in self._stages.values():
            for name in stage.files:
                self.refuse_input(stage.folder / name)
        held: list[tuple[Path, int]] = []
        try:
            for folder in sorted(self._stages):
                held += self._stages[folder].lock(lock_timeout_s)
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            try:
                for stage in self._stages.values():
                    try:
                        stage.move_into_place()
                    except OSError as exc:
                        raise _unwritable(stage.folder, exc) from None
                self.committed = True
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        finally:
            for path, fd in reversed(held):
                _unlock(path, fd)
        for action in self._after_commit:
            action()

    def discard(self) -> None:
        """Remove whatever is still staged (after a failure or an interrupt)."""
        for stage in self._stages.values():
            stage.discard()


_ACTIVE: contextvars.ContextVar[OutputSet | None] = contextvars.ContextVar("interstore_output_set", default=None)


def active_output_set() -> OutputSet | None:
    """The output set of the running command, if any."""
    return _ACTIVE.get()


def note_input(path: str | Path) -> None:
    """Record ``path`` as an input of the running command (readers call this)."""
    active = _ACTIVE.get()
    if active is not None:
        active.add_input(path)


def after_commit(action) -> None:
    """Run ``action()`` once the outputs are in place (now, outside an output set): "wrote X"
    is printed only when X has been written."""
    active = _ACTIVE.get()
    if active is None:
        action()
    else:
        active._after_commit.append(action)


def staged(path: str | Path) -> Path:
    """Where an output just written for ``path`` can be read back now."""
    active = _ACTIVE.get()
    return Path(path) if active is None else active.location(path)


@contextmanager
def output_set(inputs: Iterable[str | Path] = ()) -> Iterator[OutputSet]:
    """Write every output inside the block as one set: committed when the block ends normally,
    discarded when it raises (including ``KeyboardInterrupt``)::

        with output_set(inputs=[data]):
            write_json(out / "a.json", a)
            save_figure(fig, out / "a.png")
    """
    oset = OutputSet(inputs)
    token = _ACTIVE.set(oset)
    try:
        yield oset
        _ACTIVE.reset(token)
        token = None
        oset.commit()
    finally:
        if token is not None:
            _ACTIVE.reset(token)
        oset.discard()


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return _atomic_write_bytes(Path(path), text.encode("utf-8"))


def to_jsonable(obj: Any) -> Any:
    """Convert dataclasses, numpy scalars/arrays and paths into JSON-serialisable values.

    Non-finite floats become ``None`` (JSON has no NaN)."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return to_jsonable(asdict(obj))
    if hasattr(obj, "model_dump"):
        return to_jsonable(obj.model_dump())
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if type(obj).__module__ == "numpy" and hasattr(obj, "tolist"):   # arrays and numpy scalars
        return to_jsonable(obj.tolist())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Path):
        return str(obj)
    return obj


def write_json(path: str | Path, payload: Any) -> Path:
    """Write ``payload`` as indented JSON atomically."""
    text = json.dumps(to_jsonable(payload), indent=2, ensure_ascii=False)
    return write_text(path, text + "\n")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a cell starting so as a formula


def _defused(value):
    """A text cell that a spreadsheet would run as a formula, with a leading apostrophe (which the
    spreadsheet shows as text); numbers written as text (``-0.5``) are left alone."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def neutralise_formulas(frame):
    """A copy of ``frame`` whose text cells and column names cannot run as spreadsheet formulas
    (CSV injection: a keyword ``=HYPERLINK(...)`` from a bibliographic export, a label ``@SUM(...)``)."""
    from pandas.api.types import is_numeric_dtype

    out = frame.rename(columns=_defused)
    for col in out.columns:
        if not is_numeric_dtype(out[col]):  # object or string columns
            out[col] = out[col].map(_defused)
    return out


def write_csv(path: str | Path, frame) -> Path:
    """Write a pandas DataFrame as CSV atomically (column names carry the units); text cells
    are made safe to open in a spreadsheet (:func:`neutralise_formulas`)."""
    return write_text(path, neutralise_formulas(frame).to_csv(index=False))


def save_figure(fig, path: str | Path, *, dpi: int = 200, crop: bool = True) -> Path:
    """Save a matplotlib figure atomically; the format follows the file suffix.  ``crop``: cut to the
    tight bounding box of the drawn artists (this draws the figure twice); ``False`` for a figure
    whose margins are already set (drawn once; see :func:`interstore.plotting.render_figure`)."""
    import matplotlib.pyplot as plt

    from .plotting import render_figure

    path = Path(path)
    data = render_figure(fig, dpi=dpi, crop=crop, fmt=path.suffix.lstrip(".") or "png")
    plt.close(fig)
    return _atomic_write_bytes(path, data)
