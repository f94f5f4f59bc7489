"""The PHP side of the store plug-ins: every file lints, every PHPUnit suite passes.

Each plug-in keeps its PHPUnit configuration (``phpunit.xml`` or ``phpunit.xml.dist``)
beside its tests; this module finds them under adapters/, so a new plug-in's suite runs
in CI without touching this file.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.clock import same_clock

ROOT = Path(__file__).resolve().parents[2]
ADAPTERS = ROOT / "adapters"
PHP_FILES = sorted(ADAPTERS.rglob("*.php"))
SUITES = sorted(
    p for p in ADAPTERS.rglob("phpunit.xml*") if p.name in ("phpunit.xml", "phpunit.xml.dist")
)


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: run `make test` (it installs php-cli and phpunit)")
    return path


@pytest.mark.parametrize("path", PHP_FILES, ids=lambda p: str(p.relative_to(ADAPTERS)))
def test_php_file_lints(path: Path) -> None:
    result = subprocess.run(
        [_need("php"), "-l", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("config", SUITES, ids=lambda p: str(p.parent.relative_to(ADAPTERS)))
def test_phpunit_suite_passes(config: Path) -> None:
    result = subprocess.run(
        same_clock([_need("phpunit"), "--configuration", str(config), "--colors=never"]),
        cwd=config.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "OK" in result.stdout, result.stdout[-2000:]
