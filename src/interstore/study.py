"""A study as one object: ``Study.from_toml("study.toml").run()`` → :class:`StudyResults`.

The front door to the whole-study pipeline (manifest → impedance, GITT, CV and cycling
analyses → atomistic limit → simulation → capacity ledger → verdict), the way
``pybamm.Simulation(...).solve()`` returns a ``Solution``.  The stages themselves run in
:func:`interstore.report.build.analyse_study`; the HTML report renders the same
:class:`StudyResults`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .evidence.manifest import Study as Manifest
from .evidence.manifest import load_study


class Study:
    """A validated study manifest, ready to run.

    Parameters
    ----------
    manifest : interstore.evidence.manifest.Study
        The loaded manifest (paths resolve relative to its folder).
    """

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest

    @classmethod
    def from_toml(cls, path: str | Path) -> "Study":
        """Read and validate a study manifest (TOML, see docs/study-manifest.md); errors name the line."""
        return cls(load_study(path))

    @property
    def name(self) -> str:
        """The study's name from ``[study] name``."""
        return self.manifest.name

    @property
    def path(self) -> Path:
        """The manifest file."""
        return self.manifest.path

    def run(self, *, simulate: bool = True, progress: Callable[[str], None] | None = None):
        """Run every analysis the manifest asks for.

        Parameters
        ----------
        simulate : bool
            Run the transient simulator for the Ragone curves (the slowest stage, tens of seconds).
        progress : callable, optional
            Called with each stage name (see ``interstore.report.build.STAGES``) when it finishes.

        Returns
        -------
        StudyResults
            Analyses, simulated curves, the capacity ledger (mAh g⁻¹ on every mass basis) and the verdict.
        """
        from .report.build import analyse_study

        return analyse_study(self.manifest, simulate=simulate, progress=progress)

    def __repr__(self) -> str:
        m = self.manifest.masses
        return (f"<Study {self.name!r}: {self.path.name}, active {m.active_g * 1e3:.4g} mg "
                f"({m.active_label}), electrode {m.electrode_g * 1e3:.4g} mg>")
