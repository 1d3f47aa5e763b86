"""Write docs/api.md, the Python API page, from the docstrings of ``interstore``'s front door.

    python tools/api_page.py            # rewrite docs/api.md
    python tools/api_page.py --check    # exit 1 if docs/api.md is not current

tests/api/test_api_page.py runs the check, so the page cannot drift from the code.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "docs" / "api.md"

# the methods a notebook user calls on each front-door class (inherited Result methods included)
METHODS = {
    "Study": ("from_toml", "run"),
    "CellConfig": ("from_toml", "updated"),
    "ElectrodeMasses": ("from_fractions", "mass_g", "label", "specific", "from_active", "on_every_basis",
                        "labels", "describe"),
}
RESULTS = ("interstore.echem.cv_analysis:CVAnalysis", "interstore.echem.galvanostatic:CyclingAnalysis",
           "interstore.echem.eis:EisFit", "interstore.echem.gitt:GittAnalysis",
           "interstore.transport.ragone:RagoneCurve", "interstore.evidence.ledger:CapacityLedger")
RESULT_METHODS = ("headline", "to_frame", "plot", "to_dict", "as_dict", "from_dict")


def _doc(obj) -> str:
    return inspect.cleandoc(inspect.getdoc(obj) or "(no docstring)")


def _signature(name: str, obj) -> str:
    try:
        try:
            signature = inspect.signature(obj, eval_str=True)  # `str | None`, not "'str | None'"
        except NameError:  # an annotation naming a type imported only for type checkers
            signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return name
    text = f"{name}{signature}".replace("typing.", "")
    return f"{name}(...)  # the sections and their defaults: docs/transport-simulator.md" \
        if inspect.isclass(obj) and len(text) > 300 else text


def _entry(title: str, obj, level: int = 2) -> list[str]:
    return [f"{'#' * level} `{title}`", "", "```python", _signature(title.split(".")[-1], obj), "```", "",
            _doc(obj), ""]


def render() -> str:
    from importlib import import_module

    import interstore as ist

    lines = ["# Python API", "",
             "Generated from the docstrings by `python tools/api_page.py`; do not edit by hand.", "",
             "```python", "import interstore as ist", "```", "", *_doc(ist).split("\n\n")[1:3], ""]
    for name in ist._LAZY:
        obj = getattr(ist, name)
        lines += _entry(f"ist.{name}", obj)
        for method in METHODS.get(name, ()):
            lines += _entry(f"ist.{name}.{method}", getattr(obj, method), level=3)
    lines += ["## `ist.literature.network`", "", "```python", "network(exports, **options)", "```", "",
              _doc(type(ist.literature.network).__call__), "",
              "## Result objects", "", _doc(import_module("interstore.results")), ""]
    for spec in RESULTS:
        module, cls_name = spec.split(":")
        cls = getattr(import_module(module), cls_name)
        lines += [f"### `{cls_name}` ({module})", "", _doc(cls), ""]
        for method in RESULT_METHODS:
            if hasattr(cls, method):
                lines += [f"- `{_signature(method, getattr(cls, method))}`: {_doc(getattr(cls, method)).splitlines()[0]}"]
        lines.append("")
    lines += ["## Errors", ""]
    for name in ("InputError", "ReaderError", "ManifestError", "ConfigError", "SimulationError"):
        lines += [f"- `ist.{name}`: {_doc(getattr(ist, name)).splitlines()[0]}"]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE} is not current: run python tools/api_page.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
