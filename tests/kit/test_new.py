"""`wismo new`: each kind of package, generated, pip-installed next to Wismo, passes its own
tests and the contract kit, lints clean, and is found by Wismo's plug-in loader; its own
tests/test_inside_wismo.py drives it through a real Wismo built by bootstrap() end to end
(the adapter's webhooks, a channel of a new message kind, the carrier's polling)."""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from core.domain.statuses import Status
from wismo.cli import main
from wismo.scaffold import ScaffoldError, names_for

ROOT = Path(__file__).resolve().parents[2]
GROUPS = {"adapter": "wismo.adapters", "channel": "wismo.channels", "carrier": "wismo.carriers"}
# the kit's checks of each kind that must pass (not skip) on a generated package
CONTRACT_PASSES = {"adapter": 9, "channel": 5, "carrier": 6}
# `wismo new KIND NAME ...`: the channel is of a message kind Wismo has never seen
MADE = {
    "adapter": ("adapter", "acme_demo"),
    "channel": ("channel", "acme_demo", "--kind", "push"),
    "carrier": ("carrier", "acme_demo"),
}
# the generated package's end-to-end tests inside a booted Wismo (all must pass)
INSIDE = {
    "adapter": {
        "test_a_signed_webhook_tells_the_shopper_in_their_language",
        "test_the_same_webhook_twice_is_one_message",
        "test_a_forged_signature_is_refused_and_stores_nothing",
    },
    "channel": {
        "test_a_shop_that_switches_it_on_tells_its_shopper_through_it",
        "test_a_failing_provider_is_retried_then_dead_lettered",
    },
    "carrier": {"test_a_parcel_is_followed_to_the_door_and_each_move_told_once"},
}


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def plugin_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv that sees this one's packages (Wismo, pytest) but installs its own:
    the generated packages are pip-installed there, never into the suite's own .venv."""
    return venv_seeing_wismo(tmp_path_factory.mktemp("plugin-venv") / "venv")


def venv_seeing_wismo(venv: Path) -> Path:
    """A virtualenv at `venv` that sees this one's packages; its python."""
    done = run(Path(sys.base_prefix) / "bin" / "python3", "-m", "venv", "--without-pip", venv)
    assert done.returncode == 0, done.stderr
    host = sysconfig.get_paths()["purelib"]
    (site,) = venv.glob("lib/python3*/site-packages")
    (site / "wismo-host.pth").write_text(f"import site; site.addsitedir({host!r})\n")
    return venv / "bin" / "python"


def new(*args: str, into: Path) -> Result:
    """`wismo new ARGS --dir INTO`."""
    return CliRunner().invoke(main, ["new", *args, "--dir", str(into)])


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
    made = CliRunner().invoke(main, ["new", *MADE[kind], "--dir", str(tmp_path)])
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

    inside = run(plugin_python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA",
                 "tests/test_inside_wismo.py", cwd=package)  # fmt: skip
    assert inside.returncode == 0, inside.stdout[-4000:]
    passed = set(re.findall(r"PASSED tests/test_inside_wismo.py::(test_\w+)", inside.stdout))
    assert passed == INSIDE[kind], inside.stdout[-4000:]

    contract = run(plugin_python, "-m", "pytest", "--wismo-contract", "-m", "wismo_contract",
                   "-p", "no:cacheprovider", "-q", "-rA", cwd=package)  # fmt: skip
    assert contract.returncode == 0, contract.stdout[-4000:]
    passed = re.findall(r"PASSED \S*::test_\w+\[acme_demo\]", contract.stdout)
    assert len(passed) >= CONTRACT_PASSES[kind], contract.stdout[-4000:]


def test_a_channel_of_a_new_kind_brings_a_template_for_every_status_and_language(
    tmp_path: Path,
) -> None:
    made = new("channel", "beeper", "--kind", "push", into=tmp_path)
    assert made.exit_code == 0, made.output
    module = tmp_path / "wismo-channel-beeper" / "src" / "wismo_channel_beeper"
    found = {p.relative_to(module / "templates").as_posix() for p in module.rglob("*.j2")}
    assert found == {f"{loc}/push/{s.value}.txt.j2" for loc in ("en", "ru", "uk") for s in Status}
    code = (module / "__init__.py").read_text()
    assert 'kinds: ClassVar[frozenset[str]] = frozenset({"push"})' in code
    assert "defines=(PUSH,)" in code and "def shopper_address(" in code
    pyproject = (tmp_path / "wismo-channel-beeper" / "pyproject.toml").read_text()
    assert 'wismo_channel_beeper = ["templates/*/*/*.j2"]' in pyproject


def test_an_installed_kind_is_carried_not_defined_and_opt_in_kinds_are_refused(
    tmp_path: Path,
) -> None:
    sms = new("channel", "cheap_sms", into=tmp_path)
    assert sms.exit_code == 0, sms.output
    module = tmp_path / "wismo-channel-cheap-sms/src/wismo_channel_cheap_sms"
    code = (module / "__init__.py").read_text()
    assert 'frozenset({"sms"})' in code and "MessageKind" not in code
    assert not (module / "templates").exists()
    telegram = new("channel", "tg", "--kind", "telegram", into=tmp_path)
    assert telegram.exit_code == 1 and "opts in" in telegram.output
    adapter = new("adapter", "shop", "--kind", "push", into=tmp_path)
    assert adapter.exit_code == 1 and "only `wismo new channel`" in adapter.output


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_new_kind_channel_builds_a_wheel_that_carries_its_templates(
    tmp_path: Path, plugin_python: Path
) -> None:
    made = new("channel", "beeper", "--kind", "push", into=tmp_path)
    assert made.exit_code == 0, made.output
    package = tmp_path / "wismo-channel-beeper"
    # as docs/extending.md says (`python -m build`), offline: this venv's setuptools and wheel
    built = run(plugin_python, "-m", "build", "--no-isolation", "--wheel",
                "--outdir", tmp_path / "dist", package)  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("wismo_channel_beeper-0.1.0-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    assert "wismo_channel_beeper/templates/uk/push/shipped.txt.j2" in names
    assert len([n for n in names if n.endswith(".txt.j2")]) == 3 * len(Status)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(wheel) as z:
        assert "beeper = wismo_channel_beeper:BeeperChannel" in z.read(entry_points).decode()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_plugin_built_for_another_sdk_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    python = venv_seeing_wismo(tmp_path / "venv")  # its own: the refusal is seen by no other test
    assert new("carrier", "old_sdk", into=tmp_path).exit_code == 0
    package = tmp_path / "wismo-carrier-old-sdk"
    module = package / "src" / "wismo_carrier_old_sdk" / "__init__.py"
    code = module.read_text()
    assert 'sdk=">=1.2,<2"' in code  # what `wismo new` declares: this SDK's minor up to 2
    module.write_text(code.replace('sdk=">=1.2,<2"', 'sdk=">=2,<3"'))
    install = run(python, "-m", "pip", "install", "-q", "--no-deps", "-e", package)
    assert install.returncode == 0, install.stderr[-2000:]
    listed = run(python, "-m", "wismo.cli", "plugins", "list", cwd=tmp_path)
    assert (
        "wismo.carriers:old_sdk: built for wismo.sdk >=2,<3, but this Wismo has wismo.sdk 1.2.0"
        in listed.stdout
    ), listed.stdout + listed.stderr
