"""Start-up of the ``interstore`` command: keep typer's help renderer from importing what it never uses.

typer draws ``--help`` and usage errors with ``typer.rich_utils``, which imports at module level
``rich.markdown`` (markdown-it-py and pygments) and ``rich.traceback`` (attrs, through
``rich.pretty``): about 45 % of the import time of ``interstore --help``.  The interstore app
uses neither: its help markup mode is "rich", not "markdown", and it is created with
``pretty_exceptions_enable=False``, so typer never draws a traceback.

:func:`defer_help_renderer_imports` adds a finder to :data:`sys.meta_path` that, only while
``typer.rich_utils`` itself executes, lets ``from rich.markdown import Markdown`` and
``from rich.traceback import Traceback`` bind stand-in classes.  A stand-in imports the real
module the first time it is called or one of its attributes is read (``Traceback.from_exception``),
and delegates to the real class; ``sys.modules`` never keeps a stand-in, so any other importer
gets the real modules.  Measured by ``benchmarks/startup.py``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

_HELP_RENDERER = "typer.rich_utils"
_DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}  # module -> the one name typer imports


class _DeferredClass(type):
    """Metaclass of a stand-in: calls and attribute reads go to the real class, imported on first use."""

    _module: str
    _name: str

    def _real(cls) -> type:
        return getattr(importlib.import_module(cls._module), cls._name)

    def __call__(cls, *args, **kwargs):
        return cls._real()(*args, **kwargs)

    def __getattr__(cls, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(cls._real(), attr)


def _stand_in(module: str, name: str) -> types.ModuleType:
    stub = types.ModuleType(module, f"deferred {module} (see interstore.cli_startup)")
    setattr(stub, name, _DeferredClass(name, (), {"_module": module, "_name": name}))
    return stub


class _DeferringFinder(importlib.abc.MetaPathFinder):
    """Finds ``typer.rich_utils`` as usual and runs its module code with the stand-ins in place."""

    def find_spec(self, fullname, path, target=None):
        if fullname != _HELP_RENDERER:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run_module = spec.loader.exec_module

        def exec_module(module) -> None:
            stubs = {m: _stand_in(m, n) for m, n in _DEFERRED.items() if m not in sys.modules}
            sys.modules.update(stubs)
            try:
                run_module(module)
            finally:
                for m, stub in stubs.items():
                    if sys.modules.get(m) is stub:
                        del sys.modules[m]

        spec.loader.exec_module = exec_module  # this loader object serves this one module only
        return spec


def defer_help_renderer_imports() -> None:
    """Install the finder once (no effect when typer's help renderer is already imported)."""
    if _HELP_RENDERER in sys.modules or any(isinstance(f, _DeferringFinder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _DeferringFinder())
