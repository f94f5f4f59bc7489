"""`wismo new`: each kind of package, generated, pip-installed next to Wismo, passes its own
tests and the contract kit, lints clean, and is found by Wismo's plug-in loader."""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

from wismo.cli import main
from wismo.scaffold import ScaffoldError, names_for

ROOT = Path(__file__).resolve().parents[2]
GROUPS = {"adapter": "wismo.adapters", "channel": "wismo.channels", "carrier": "wismo.carriers"}
# the kit's checks of each kind that must pass (not skip) on a generated package
CONTRACT_PASSES = {"adapter": 9, "channel": 4, "carrier": 6}


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def plugin_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv that sees this one's packages (Wismo, pytest) but installs its own:
    the generated packages are pip-installed there, never into the suite's own .venv."""
    venv = tmp_path_factory.mktemp("plugin-venv") / "venv"
    done = run(Path(sys.base_prefix) / "bin" / "python3", "-m", "venv", "--without-pip", venv)
    assert done.returncode == 0, done.stderr
    host = sysconfig.get_paths()["purelib"]
    (site,) = venv.glob("lib/python3*/site-packages")
    (site / "wismo-host.pth").write_text(f"import site; site.addsitedir({host!r})\n")
    return venv / "bin" / "python"


def test_a_name_must_be_a_slug() -> None:
    for bad in ("A", "9lives", "has space", "x" * 40):
        with pytest.raises(ScaffoldError):
            names_for("adapter", bad)
    names = names_for("channel", "super-sms")
    assert (names.slug, names.dist, names.module, names.camel) == (
        "super_sms",
        "wismo-channel-super-sms",
        "wismo_channel_super_sms",
        "SuperSms",
    )


def test_wismo_new_refuses_an_unknown_kind_and_an_existing_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["new", "hook", "acme", "--dir", str(tmp_path)]).exit_code == 2
    assert runner.invoke(main, ["new", "adapter", "acme", "--dir", str(tmp_path)]).exit_code == 0
    again = runner.invoke(main, ["new", "adapter", "acme", "--dir", str(tmp_path)])
    assert again.exit_code == 1 and "already exists" in again.output


@pytest.mark.slow
@pytest.mark.timeout(600)  # a pip install and a pytest run, on a busy machine
@pytest.mark.parametrize("kind", ["adapter", "channel", "carrier"])
def test_a_generated_package_installs_and_passes_its_tests_and_the_contract(
    kind: str, tmp_path: Path, plugin_python: Path
) -> None:
    made = CliRunner().invoke(main, ["new", kind, "acme_demo", "--dir", str(tmp_path)])
    assert made.exit_code == 0, made.output
    package = tmp_path / f"wismo-{kind}-acme-demo"
    assert (package / "README.md").is_file() and (package / "conftest.py").is_file()

    ruff = Path(sys.executable).parent / "ruff"
    lint = run(ruff, "check", "--no-cache", ".", cwd=package)
    assert lint.returncode == 0, lint.stdout
    form = run(ruff, "format", "--no-cache", "--check", ".", cwd=package)
    assert form.returncode == 0, form.stdout

    install = run(plugin_python, "-m", "pip", "install", "-q", "--no-deps", "-e", package)
    assert install.returncode == 0, install.stderr[-2000:]

    found = run(
        plugin_python,
        "-c",
        f"from core.plugins import load_plugins; p = load_plugins({GROUPS[kind]!r}); "
        "print(sorted(p.loaded), p.failed)",
        cwd=tmp_path,
    )
    assert "'acme_demo'" in found.stdout and found.stdout.rstrip().endswith("{}"), found

    tests = run(plugin_python, "-m", "pytest", "--wismo-contract", "-p", "no:cacheprovider",
                "-q", "-rs", cwd=package)  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-4000:]
    assert " failed" not in tests.stdout and " error" not in tests.stdout

    contract = run(plugin_python, "-m", "pytest", "--wismo-contract", "-m", "wismo_contract",
                   "-p", "no:cacheprovider", "-q", "-rA", cwd=package)  # fmt: skip
    assert contract.returncode == 0, contract.stdout[-4000:]
    passed = re.findall(r"PASSED \S*::test_\w+\[acme_demo\]", contract.stdout)
    assert len(passed) >= CONTRACT_PASSES[kind], contract.stdout[-4000:]
