"""Input files before they are parsed: the size limit, a look at the head, and text decoding.

Every reader goes through here, so a huge, sparse, binary or oddly encoded file is met the
same way everywhere:

- **size**: a file over ``INTERSTORE_MAX_INPUT_MB`` MiB (default :data:`DEFAULT_MAX_INPUT_MB`)
  is refused before a byte is read; set the environment variable to raise the limit.
  Config and manifest files (TOML) have their own, smaller limit :data:`MAX_CONFIG_BYTES`.
- **head**: only the first :data:`HEAD_BYTES` bytes are read to recognise binary content
  (a NUL byte or more than 1 % control characters), so a 2 GiB file of zeros is called
  binary after reading 64 KiB, not 2 GiB.
- **text**: a byte-order mark decides (UTF-8, UTF-16, UTF-32); else UTF-8 when the bytes are
  valid UTF-8; else Windows-1252 (what Excel and Scopus write on Windows) when every byte maps;
  else Latin-1.  The last two emit an :class:`~interstore.errors.InputWarning` naming the
  encoding, because a wrong guess would change accented names, not numbers.
"""

from __future__ import annotations

import codecs
import os
import warnings
from pathlib import Path

from .errors import InputError, InputWarning

DEFAULT_MAX_INPUT_MB = 512     # MiB; instrument exports of months of cycling stay well below
MAX_INPUT_ENV = "INTERSTORE_MAX_INPUT_MB"
MAX_CONFIG_BYTES = 16 * 2**20  # a TOML manifest or config holds keys, not data
HEAD_BYTES = 65536

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def max_input_bytes() -> int:
    """The size limit for input files (bytes), from ``INTERSTORE_MAX_INPUT_MB`` or the default."""
    text = os.environ.get(MAX_INPUT_ENV, "")
    try:
        mb = float(text) if text.strip() else DEFAULT_MAX_INPUT_MB
    except ValueError:
        raise InputError(f"environment variable {MAX_INPUT_ENV}", f"got {text!r}",
                         expected="a size in MiB, e.g. 4096") from None
    if not mb > 0:
        raise InputError(f"environment variable {MAX_INPUT_ENV}", f"got {text!r}", expected="a size > 0 MiB")
    return int(mb * 2**20)


def check_input_file(path: str | Path, *, limit_bytes: int | None = None, what: str = "an input file",
                     allow_empty: bool = False) -> int:
    """Size of ``path`` in bytes after checking it exists, is a regular file, is not empty (unless
    ``allow_empty``) and is within the size limit; each failure is a one-line :class:`InputError`."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(p, "file not found", expected=f"an existing file ({what})") from None
    except OSError as exc:
        raise InputError(p, f"cannot be read ({exc.strerror})", expected="a readable file") from None
    if not p.is_file():
        raise InputError(p, "not a regular file", expected=what)
    if st.st_size == 0 and not allow_empty:
        raise InputError(p, "file is empty", expected=what)
    if limit_bytes is None:
        limit, how = max_input_bytes(), f"set {MAX_INPUT_ENV} (MiB) to raise it"
    else:
        limit, how = limit_bytes, "this kind of file holds settings, not data"
    if st.st_size > limit:
        raise InputError(p, f"file is {st.st_size / 2**20:.1f} MiB, over the {limit / 2**20:g} MiB limit ({how})",
                         expected=what)
    return st.st_size


def read_head(path: str | Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of ``path``."""
    with open(path, "rb") as fh:
        return fh.read(size)


def looks_binary(head: bytes, *, controls: bool = True) -> bool:
    """A NUL byte, or (with ``controls``) more than 1 % C0 control characters other than tab, CR,
    LF and form feed (UTF-16/32 text with a byte-order mark is text)."""
    if head.startswith(tuple(b for b, _ in _BOMS if b != codecs.BOM_UTF8)):
        return False
    n_controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13)) if controls else 0
    return b"\x00" in head or n_controls > 0.01 * max(len(head), 1)


def refuse_binary(path: str | Path, head: bytes, expected: str, *, controls: bool = True) -> None:
    """Raise the one-line "binary content" error when :func:`looks_binary`."""
    if looks_binary(head, controls=controls):
        nul = head.find(b"\x00")
        first = nul if nul >= 0 else next(k for k, b in enumerate(head) if b < 32 and b not in (9, 10, 12, 13))
        what = f"NUL byte at offset {nul}" if nul >= 0 else f"control byte 0x{head[first]:02x} at offset {first}"
        line = head.count(b"\n", 0, first) + 1
        raise InputError(path, f"binary content ({what}) where a text file was expected",
                         where=f"line {line}", expected=expected)


def decode_text(data: bytes, source: str | Path) -> str:
    """Text of ``data``: BOM, else UTF-8, else Windows-1252, else Latin-1 (the last two with an
    :class:`InputWarning`).  Binary content is refused by :func:`refuse_binary` before this."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(source, f"invalid {codec} text after its byte-order mark at byte {exc.start}",
                                 expected=f"valid {codec} text") from None
    codec, first_bad = guess_codec(data)
    if first_bad is not None:
        warnings.warn(f"{source}: not UTF-8 (byte 0x{data[first_bad]:02x} at offset {first_bad}); "
                      f"decoded as {CODEC_NAMES[codec]}", InputWarning, stacklevel=2)
    return data.decode(codec)


CODEC_NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}
FALLBACK_CODECS = ("cp1252", "latin-1")  # in this order, for bytes that are not UTF-8


def guess_codec(data: bytes) -> tuple[str, int | None]:
    """``"utf-8"`` when ``data`` is valid UTF-8 (ASCII included); else ``"cp1252"`` (Windows-1252,
    what EC-Lab, Excel and Scopus write on Windows) when every byte maps; else ``"latin-1"``
    (every byte maps).  With the offset of the first byte that is not UTF-8 (``None`` for UTF-8)."""
    try:
        data.decode("utf-8")
        return "utf-8", None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    for codec in FALLBACK_CODECS:
        try:
            data.decode(codec)
            return codec, first_bad
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def read_text_input(path: str | Path, *, limit_bytes: int | None = None, what: str = "a text file") -> str:
    """Whole text file, after the size limit and a binary check on its head, decoded by
    :func:`decode_text` (an empty file gives ``""``: the caller says what it should have held)."""
    from .outputs import note_input

    check_input_file(path, limit_bytes=limit_bytes, what=what, allow_empty=True)
    refuse_binary(path, read_head(path), what)
    note_input(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})", expected="a readable file") from None
    return decode_text(data, path)
