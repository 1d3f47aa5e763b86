"""Atomic output writing: JSON, text, tables and figures.

Outputs are written to a temporary file in the target folder and then moved
into place with :func:`os.replace`, so a reader never sees a half-written file
and an interrupted run never leaves one behind.  Inputs are never opened for
writing.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable

from .errors import InputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, fill: Callable[[BinaryIO], None]) -> Path:
    """``fill`` a temporary sibling, give it the usual 0666 & ~umask mode, then rename."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, "is an existing folder", expected="a file path for the output")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError(path.parent, "exists and is not a folder",
                         expected="a folder (or a path that does not exist yet) for the outputs") from None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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
    """Write ``data`` atomically."""
    return _atomic_write(path, lambda fh: fh.write(data))


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes atomically."""
    return _atomic_write_bytes(Path(path), data)


def write_chunks(path: str | Path, chunks: Iterable[str]) -> Path:
    """Write text pieces as UTF-8 atomically, without holding the whole text in memory."""
    return _atomic_write(Path(path), lambda fh: fh.writelines(c.encode("utf-8") for c in chunks))


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


def write_csv(path: str | Path, frame) -> Path:
    """Write a pandas DataFrame as CSV atomically (column names carry the units)."""
    return write_text(path, frame.to_csv(index=False))


def save_figure(fig, path: str | Path, *, dpi: int = 200, crop: bool = True) -> Path:
    """Save a matplotlib figure atomically; the format follows the file suffix.  ``crop``: cut to the
    tight bounding box of the drawn artists (this draws the figure twice); ``False`` for a figure
    whose margins are already set (drawn once)."""
    import io

    import matplotlib.pyplot as plt

    path = Path(path)
    buf = io.BytesIO()
    fig.savefig(buf, format=path.suffix.lstrip(".") or "png", dpi=dpi, bbox_inches="tight" if crop else None)
    plt.close(fig)
    return _atomic_write_bytes(path, buf.getvalue())
