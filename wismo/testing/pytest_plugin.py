"""`pytest --wismo-contract`: the contract kit as a pytest plugin (entry point `pytest11`).

Loaded by pytest wherever wismo is installed; it only adds its options until the flag is
given. With it, the kit's checks (wismo/testing/contract.py) are collected next to the
package's own tests and run against every plug-in the distribution under test declares:
by default the `[project] name` of the pyproject.toml at pytest's rootdir, or
`--wismo-contract-dist NAME`. `-m wismo_contract` runs the kit alone.
"""

from __future__ import annotations

import importlib.util
import tomllib
from importlib.metadata import EntryPoint, PackageNotFoundError, distribution
from typing import Any

import pytest

# Plug-in packages import these (through wismo.sdk.testing) before pytest loads them as plugins.
pytest.register_assert_rewrite("wismo.testing.http_stub", "wismo.testing.contract")

GROUPS = ("wismo.adapters", "wismo.channels", "wismo.carriers")
_FOUND = pytest.StashKey[dict[str, dict[str, EntryPoint]]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("wismo", "Wismo plug-in contract kit")
    group.addoption(
        "--wismo-contract",
        action="store_true",
        help="run Wismo's plug-in contract kit against this package's plug-ins",
    )
    group.addoption(
        "--wismo-contract-dist",
        metavar="NAME",
        help="the installed distribution whose plug-ins the kit checks "
        "(default: [project] name in the rootdir's pyproject.toml)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "wismo_contract: a check of Wismo's plug-in contract kit")
    if not config.getoption("wismo_contract"):
        return
    spec = importlib.util.find_spec("wismo.testing.contract")
    assert spec is not None and spec.origin is not None
    if spec.origin not in config.args:
        config.args.append(spec.origin)


def _distribution_name(config: pytest.Config) -> str:
    name = config.getoption("wismo_contract_dist")
    if name:
        return str(name)
    pyproject = config.rootpath / "pyproject.toml"
    try:
        return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["name"])
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise pytest.UsageError(
            f"--wismo-contract: no [project] name in {pyproject} ({exc!r}); "
            "give --wismo-contract-dist NAME"
        ) from None


def contract_entry_points(config: pytest.Config) -> dict[str, dict[str, EntryPoint]]:
    """The plug-ins the distribution under test declares, by group and entry point name."""
    if _FOUND not in config.stash:
        name = _distribution_name(config)
        try:
            entries = distribution(name).entry_points
        except PackageNotFoundError:
            raise pytest.UsageError(
                f"--wismo-contract: the distribution {name!r} is not installed in this "
                "environment; `pip install -e .` it first"
            ) from None
        found: dict[str, dict[str, EntryPoint]] = {group: {} for group in GROUPS}
        for entry in entries:
            if entry.group in found:
                found[entry.group][entry.name] = entry
        config.stash[_FOUND] = found
    return config.stash[_FOUND]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the kit's checks of kinds the package has none of (an adapter has no carriers)."""
    empty = [
        item
        for item in items
        if item.get_closest_marker("wismo_contract")
        and any(
            str(mark.kwargs.get("reason", "")).startswith("got empty parameter set")
            for mark in item.iter_markers("skip")
        )
    ]
    if empty:
        config.hook.pytest_deselected(items=empty)
        items[:] = [item for item in items if item not in empty]


@pytest.fixture
def wismo_contract_vectors() -> dict[str, Any]:
    """Override in your package's root conftest.py: {entry point name: vectors}."""
    return {}
