"""Neware BTS binaries ``.nda`` / ``.ndax`` through NewareNDA.

NewareNDA returns ``Time`` (s), ``Voltage`` (V), ``Current(mA)``, ``Cycle``, ``Step``
and per-step ``Charge_/Discharge_Capacity(mAh)``.  ``Time`` is the step time in most
files (it restarts at every step) but already the test time in others (older BTS
``.nda``, e.g. NewareNDA's Issue72 file).  When it restarts at a step change the
total time is rebuilt by adding the durations of all earlier steps,
t = t_step + Σ_{earlier steps} t_step,end; when it never restarts it is used as it is
(adding it up again would multiply the duration and every integrated capacity).
``step_time_s`` is ``Time`` when it restarts at the step changes (BTS writes the first
record of a step at step time 0, at the instant of the switch) or when the file holds one
step; a ``Time`` that runs on across steps is not a step time and ``step_time_s`` is left out
(``extra['step_time']`` says so).
``capacity_mAh`` = charge − discharge capacity of the current step (the cycler's own
counter, used by :mod:`..capacity_check`).
"""

from __future__ import annotations

import logging
import warnings
import zipfile
from pathlib import Path

import numpy as np

from ...errors import InputError, ReaderError
from ..record import Measurement
from .columns import build_measurement
from .textfile import load_bytes, read_head

NDA_MAGIC = b"NEWARE"
_NDA29_RECORD = 86
_NDA29_MARK = b"\x00\x00\x00\x00\x55\x00"


def _check_nda29_start(raw: bytes, source: str) -> None:
    """Reject v29 files in which no record start satisfies NewareNDA's search (its loop
    would otherwise wrap around forever).  Visits each candidate once: bounded."""
    at = raw.find(_NDA29_MARK)
    while at != -1:
        nxt = at + 4 + _NDA29_RECORD
        if nxt >= len(raw) or (raw[nxt] == 0x55 and raw[at + 4 + 12] != 0):
            return
        at = raw.find(_NDA29_MARK, at + 4)
    raise ReaderError(source, "no valid data record in this .nda (version 29) file",
                      expected="a complete Neware .nda file")


def _kind(path: Path) -> str:
    """``'nda'`` or ``'ndax'`` from the content (the NEWARE signature or a zip archive),
    checking an .nda of version 29 for a usable record start; anything else raises."""
    source = str(path)
    head = read_head(path, 16)
    if head.startswith(NDA_MAGIC):
        if len(head) > 14 and head[14] == 29:
            _check_nda29_start(load_bytes(path), source)
        return "nda"
    if zipfile.is_zipfile(path):
        return "ndax"
    raise ReaderError(source, "neither an .nda (no 'NEWARE' signature) nor an .ndax (not a zip archive)",
                      where="byte 0", expected="a Neware .nda or .ndax file (a CSV/Excel export reads as csv)")


def restarts_at_steps(time_s: np.ndarray, step: np.ndarray) -> bool:
    """Whether NewareNDA's ``Time`` goes back at some step change (a step time, not the test time)."""
    starts = np.flatnonzero(step[1:] != step[:-1]) + 1
    return bool(np.any(time_s[starts] < time_s[starts - 1]))


def total_time_s(step_time_s: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Test time from NewareNDA's ``Time``: each step starts where the previous step ended
    when the time restarts at step changes; a time that never goes back at a step change
    is already the test time and is returned unchanged."""
    if not restarts_at_steps(step_time_s, step):
        return step_time_s
    new = np.concatenate([[True], step[1:] != step[:-1]])
    starts = np.flatnonzero(new)
    durations = step_time_s[np.concatenate([starts[1:] - 1, [len(step) - 1]])]
    offsets = np.concatenate([[0.0], np.cumsum(durations)[:-1]])
    return step_time_s + offsets[np.cumsum(new) - 1]


def read_neware(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from a Neware ``.nda``/``.ndax`` file (cycle numbers as
    Neware's charge-first cycle statistic)."""
    import NewareNDA

    path = Path(path)
    source = str(path)
    if columns:
        raise InputError("option --columns", "does not apply to Neware binaries (their columns are fixed)",
                         expected="no --columns for .nda/.ndax")
    kind = _kind(path)
    read = NewareNDA.NewareNDA.read_nda if kind == "nda" else NewareNDA.NewareNDAx.read_ndax
    logging.getLogger("newarenda").setLevel(logging.CRITICAL)  # its own messages would duplicate ours
    try:
        with warnings.catch_warnings():  # NewareNDA's pandas deprecation warnings are not the user's business
            warnings.simplefilter("ignore")
            frame = read(source, software_cycle_number=True)  # by content: NewareNDA.read goes by extension
    except Exception as exc:  # NewareNDA signals damage with assorted exceptions
        raise ReaderError(source, f"damaged or unsupported Neware file ({type(exc).__name__}: "
                                 f"{' '.join(str(exc).split())[:120]})",
                          expected="a complete .nda/.ndax file that NewareNDA can read") from None
    if len(frame) < 2:
        raise ReaderError(source, f"{len(frame)} data record(s)", expected="at least 2 records")
    step = frame["Step"].to_numpy(int)
    time = frame["Time"].to_numpy(float)
    values = {
        "time": total_time_s(time, step),
        "potential": frame["Voltage"].to_numpy(float),
        "current": frame["Current(mA)"].to_numpy(float) * 1e-3,
        "cycle": frame["Cycle"].to_numpy(float),
        "step": step,
        "capacity": (frame["Charge_Capacity(mAh)"].to_numpy(float)
                     - frame["Discharge_Capacity(mAh)"].to_numpy(float)),
    }
    extra = {}
    if restarts_at_steps(time, step) or np.all(step == step[0]):
        values["step_time"] = time
    else:
        extra["step_time"] = "not recorded: NewareNDA's Time runs on across the steps of this file (test time)"
    return build_measurement(values, source, "neware", extra=extra, **meta)
