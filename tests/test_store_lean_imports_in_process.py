"""The layout process's imports (store/documents/lean_imports.py), installed in this process.

The layout process installs them first thing (renderer.serve); the slow
tests/test_documents_cache.py checks from outside that the process's PDF is the same and
that the modules left out stay out. Here the import hook itself is installed in the test
process, for the length of each test (the import path and the loaded modules are put back
as they were), so that what it does is checked where a failing check can be seen.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Iterator

import pytest

from store.documents import lean_imports
from store.documents.lean_imports import ABSENT, DEFERRED, install


@pytest.fixture
def installed() -> Iterator[object]:
    """The hook installed; afterwards the import path, the modules and the warning filters
    as they were."""
    meta_path, modules = list(sys.meta_path), dict(sys.modules)
    with warnings.catch_warnings():
        install()
        yield sys.meta_path[0]
    sys.meta_path[:] = meta_path
    sys.modules.clear()
    sys.modules.update(modules)


def _forget(*names: str) -> None:
    """The modules (and their submodules) as if never imported, for the next import."""
    for name in list(sys.modules):
        if any(name == n or name.startswith(n + ".") for n in names):
            del sys.modules[name]


def _deferred(module: types.ModuleType) -> bool:
    """Imported without its code run yet: not a plain module."""
    return type(module) is not types.ModuleType


def test_install_puts_one_hook_first_and_silences_pillows_warning(installed: object) -> None:
    assert installed.__class__.__module__ == "store.documents.lean_imports"
    count = sum(f.__class__ is installed.__class__ for f in sys.meta_path)
    install()
    assert sys.meta_path[0] is installed
    assert sum(f.__class__ is installed.__class__ for f in sys.meta_path) == count == 1
    with warnings.catch_warnings(record=True) as seen:
        warnings.warn("Pillow could not be imported: no image", UserWarning, stacklevel=1)
        warnings.warn("autre chose", UserWarning, stacklevel=1)
    assert [str(w.message) for w in seen] == ["autre chose"]


@pytest.mark.parametrize(
    "name", ["PIL", "PIL.Image", "cryptography.x509", "cryptography.hazmat.primitives", "lxml"]
)
def test_the_absent_modules_import_as_if_not_installed(installed: object, name: str) -> None:
    top = name.split(".")[0]
    _forget(top)
    with pytest.raises(ModuleNotFoundError) as caught:
        importlib.import_module(name)
    # The package is looked for first, and is what is missing.
    assert str(caught.value) == f"{top} : inutile à la mise en page"
    assert caught.value.name == top
    with pytest.raises(ModuleNotFoundError) as asked:
        installed.find_spec(name, None)  # type: ignore[attr-defined]
    assert str(asked.value) == f"{name} : inutile à la mise en page"
    assert asked.value.name == name
    assert ABSENT == ("PIL", "cryptography", "lxml")


def test_other_modules_are_left_to_the_usual_finders(installed: object) -> None:
    find_spec = installed.find_spec  # type: ignore[attr-defined]
    assert find_spec("json", None) is None
    assert find_spec("PILLOW_like", None) is None
    assert find_spec("fontTools", None) is None
    assert find_spec("unittest.case", None) is None
    # A deferred name that no finder knows stays unknown.
    assert find_spec("unittest.nothing_here", None) is None


def test_a_deferred_package_runs_its_code_at_the_first_use_of_a_name(installed: object) -> None:
    _forget("unittest")
    unittest = importlib.import_module("unittest")
    assert sys.modules["unittest"] is unittest
    assert _deferred(unittest) and "TestCase" not in vars(unittest)
    # A dunder the module does not have is no use of it.
    with pytest.raises(AttributeError) as caught:
        unittest.__wrapped__  # noqa: B018
    assert str(caught.value) == "__wrapped__"
    assert _deferred(unittest)
    # A submodule imports as usual, without running the package's code.
    util = unittest.util
    assert util is sys.modules["unittest.util"] and not _deferred(util)
    assert _deferred(unittest)
    # The first real name runs it, in the same module object, an ordinary module from then on.
    case = unittest.TestCase
    assert case is sys.modules["unittest.case"].TestCase
    assert not _deferred(unittest) and sys.modules["unittest"] is unittest
    assert isinstance(unittest.__spec__.loader, importlib.machinery.SourceFileLoader)


def test_a_name_only_ever_called_is_a_stand_in_until_called(installed: object) -> None:
    _forget("unittest")
    from unittest.mock import patch  # the way fpdf2 imports it

    mock = sys.modules["unittest.mock"]
    assert _deferred(mock) and "patch" not in vars(mock)
    with patch("os.getcwd", new=lambda: "/ailleurs"):
        import os

        assert os.getcwd() == "/ailleurs"
    assert not _deferred(mock) and "patch" in vars(mock)
    # Other names of the module are its own, once it has run.
    assert mock.MagicMock is vars(mock)["MagicMock"]


def test_a_deferred_module_other_than_called_names_runs_at_its_first_name(
    installed: object,
) -> None:
    _forget("unittest")
    importlib.import_module("unittest.mock")

    mock = sys.modules["unittest.mock"]
    assert _deferred(mock)
    sentinel = mock.sentinel
    assert not _deferred(mock) and sentinel is vars(mock)["sentinel"]


@pytest.mark.parametrize("name", ["fontTools.varLib", "fontTools.varLib.instancer"])
def test_the_variable_fonts_code_is_deferred(installed: object, name: str) -> None:
    pytest.importorskip("fontTools")
    _forget("fontTools.varLib")
    module = importlib.import_module(name)
    assert _deferred(module) and sys.modules[name] is module
    assert name in DEFERRED


def test_the_hook_is_not_installed_by_importing_it() -> None:
    # Only the layout process installs it: the command's own process imports as usual.
    assert not any(f.__class__.__module__ == lean_imports.__name__ for f in sys.meta_path)
