"""The folder tree is the architecture: checks the import graph and the edges that keep it clean."""

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "interstore"


def _imports(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    package = ["interstore", *path.relative_to(SRC).parent.parts]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names |= {module} | {f"{module}.{a.name}" for a in node.names}
    return names


def test_evidence_never_imports_report():
    # report renders a StudyResults; evidence (ledger, verdict, its CLI) must not need report back
    offenders = {str(p.relative_to(SRC)): sorted(n for n in _imports(p) if n.startswith("interstore.report"))
                 for p in (SRC / "evidence").glob("*.py")}
    assert not {k: v for k, v in offenders.items() if v}


def test_the_pipeline_lives_in_study_not_in_report():
    assert not any(n.startswith("interstore.report") for n in _imports(SRC / "study.py"))


def test_no_library_module_chooses_a_matplotlib_backend():
    users = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if "matplotlib.use(" in p.read_text(encoding="utf-8")]
    assert users == []


def test_no_hand_written_basis_loop_outside_electrode_masses():
    loop = re.compile(r"active_g\s*/\s*\w*\.?mass_g\(\w+\)\s+for\s+\w+\s+in\s+BASES")
    users = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
             if p.name != "massbasis.py" and loop.search(p.read_text(encoding="utf-8"))]
    assert users == []
