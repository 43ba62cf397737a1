"""What the layout process does not import: the parts of fpdf2's dependencies that a text
document never uses.

``import fpdf`` costs more than half of fpdf2's one-line PDF: with the text, fpdf2 imports
its image support (Pillow, and ``http.client`` for images given as URLs), its signing support
(``cryptography``'s certificates, ``unittest.mock``, hence ``asyncio``), fontTools' variable
fonts (``fontTools.varLib``: designspaceLib, lxml) and fontTools' SVG paths (lxml). carnet's
documents have no image, no variable font, no SVG, and are signed by pyHanko, not fpdf2.

Only in the layout process (:mod:`store.documents.renderer`), which imports nothing else:

- **absent**: ``PIL``, ``cryptography`` and ``lxml`` import as if not installed. fpdf2 and
  fontTools import each inside ``try … except ImportError`` and do without (fpdf2 warns that
  it will add no image: that warning is silenced here);
- **deferred**: ``fontTools.varLib``, ``fontTools.varLib.instancer``, ``unittest`` and
  ``unittest.mock`` are imported without running their code; it runs at the first use of
  one of their names (their submodules import as usual). ``from unittest.mock import
  patch`` gives a function that imports ``unittest.mock`` when called.

Should a future fpdf2 use one of these for a text document, the layout process fails or runs
the deferred code: the command then lays the document out itself (renderer.py), as without
the process; ``tests/test_documents_cache.py`` checks that the process's PDF is the one laid
out in the command's own process, byte for byte, and that these modules stayed out.
"""

from __future__ import annotations

import importlib.util
import sys
import types
import warnings
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from importlib.abc import Loader

ABSENT = ("PIL", "cryptography", "lxml")
DEFERRED = ("fontTools.varLib", "fontTools.varLib.instancer", "unittest", "unittest.mock")
# Names imported with « from … import » that are only ever called: a function stands in.
CALLED = {"unittest.mock": frozenset({"patch"})}


class _Deferred(types.ModuleType):
    """A module whose code runs at the first use of one of its names."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        spec: ModuleSpec = object.__getattribute__(self, "__spec__")
        if name in CALLED.get(spec.name, ()):

            def called(*args: Any, **kwargs: Any) -> Any:
                return getattr(_run(self), name)(*args, **kwargs)

            return called
        if spec.submodule_search_locations is not None:
            # A submodule is imported as usual, without running this package's code.
            child = f"{spec.name}.{name}"
            if child in sys.modules or importlib.util.find_spec(child) is not None:
                return importlib.import_module(child)
        return getattr(_run(self), name)


def _run(module: _Deferred) -> types.ModuleType:
    """The module's own code, run now in the module itself (so every reference to it stays
    good), as an ordinary module from then on."""
    spec: ModuleSpec = object.__getattribute__(module, "__spec__")
    loader = spec.loader
    assert isinstance(loader, _DeferredLoader)
    spec.loader = loader.real
    module.__class__ = types.ModuleType
    loader.real.exec_module(module)
    return module


class _DeferredLoader:
    def __init__(self, real: Any) -> None:
        self.real = real

    def create_module(self, spec: ModuleSpec) -> types.ModuleType:
        return _Deferred(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing now: :func:`_run` runs the code at the first use."""


class _Finder:
    """First on ``sys.meta_path``: the absent modules are not found, the deferred ones are
    found by the other finders and given the deferring loader."""

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> ModuleSpec | None:
        if name.split(".", 1)[0] in ABSENT:
            raise ModuleNotFoundError(f"{name} : inutile à la mise en page", name=name)
        if name not in DEFERRED:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                spec.loader = cast("Loader", _DeferredLoader(spec.loader))
                return spec
        return None


def install() -> None:
    """From now on in this process, the modules above are absent or deferred."""
    if any(isinstance(finder, _Finder) for finder in sys.meta_path):
        return
    warnings.filterwarnings("ignore", message="Pillow could not be imported")
    sys.meta_path.insert(0, _Finder())
