"""`wismo plugins build`: the WordPress plugin zip, plain and pre-configured."""

from __future__ import annotations

import gettext
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from adapters.woocommerce import WooCommerceAdapter
from adapters.woocommerce.package import config_php
from core.domain.statuses import Status
from wismo.cli import main


def test_the_build_command_writes_an_installable_zip(tmp_path):
    result = CliRunner().invoke(
        main, ["plugins", "build", "--out", str(tmp_path), "--platform", "woocommerce"]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "wismo-woocommerce.zip") as zf:
        names = set(zf.namelist())
        assert {"wismo/wismo.php", "wismo/uninstall.php", "wismo/languages/wismo.pot"} <= names
        assert "wismo/wismo-config.php" not in names
        assert all(n.startswith("wismo/") for n in names)
        assert "Plugin Name:" in zf.read("wismo/wismo.php").decode()
        uk = gettext.GNUTranslations(io.BytesIO(zf.read("wismo/languages/wismo-uk.mo")))
        ru = gettext.GNUTranslations(io.BytesIO(zf.read("wismo/languages/wismo-ru_RU.mo")))
    assert uk.gettext("Delivery status") == "Статус доставки"
    assert ru.gettext("Connect") == "Подключить"


def test_a_preconfigured_zip_carries_the_settings(tmp_path):
    config = {"wismo_url": "https://wismo.example", "shop_key": "k3y", "secret": "whsec_a'b\\c"}
    (path,) = WooCommerceAdapter.package_plugin(tmp_path, config)
    with zipfile.ZipFile(path) as zf:
        php = zf.read("wismo/wismo-config.php").decode()
    assert "'secret' => 'whsec_a\\'b\\\\c'," in php
    assert php == config_php(config) and php.startswith("<?php")


PLUGIN = Path(__file__).parents[3] / "adapters" / "woocommerce" / "plugin" / "wismo"


def test_every_plugin_string_is_translated_into_russian_and_ukrainian():
    with (PLUGIN / "languages" / "wismo.pot").open("rb") as fh:
        ids = {m.id for m in read_po(fh) if m.id}
    assert "Delivery status" in ids
    for locale in ("ru_RU", "uk"):
        with (PLUGIN / "languages" / f"wismo-{locale}.po").open("rb") as fh:
            done = {m.id: m.string for m in read_po(fh) if m.id}
        assert set(done) == ids and all(done.values()), locale


def test_the_template_holds_exactly_the_strings_the_plugin_uses(tmp_path):
    """No string the PHP no longer says lingers for translators, none it says is missing:
    the template is what `scripts/i18n wp` extracts from the sources today."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is not installed: run `make test` (it installs gettext)")
    fresh = tmp_path / "wismo.pot"
    root = PLUGIN.parents[3]
    subprocess.run([str(root / "scripts" / "i18n"), "wp", str(fresh)], cwd=root, check=True)

    def ids(path: Path) -> set[object]:
        with path.open("rb") as fh:
            return {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(fh) if m.id}

    committed = ids(PLUGIN / "languages" / "wismo.pot")
    extracted = ids(fresh)
    assert "Delivery status" in extracted
    assert committed - extracted == set(), "no longer used: run scripts/i18n wp"
    assert extracted - committed == set(), "not in the template: run scripts/i18n wp"


def test_uninstall_removes_every_option_the_plugin_writes():
    written = set()
    for php in PLUGIN.rglob("*.php"):
        written |= set(re.findall(r"update_option\(\s*'(wismo_\w+)'", php.read_text()))
    uninstall = (PLUGIN / "uninstall.php").read_text()
    assert written and all(f"'{name}'" in uninstall for name in written)


def test_the_plugin_offers_exactly_wismos_statuses_for_mapping():
    php = (PLUGIN / "includes" / "class-wismo-statuses.php").read_text()
    block = php[php.index("const CANONICAL") : php.index(");", php.index("const CANONICAL"))]
    assert re.findall(r"'(\w+)'", block) == [s.value for s in Status]
