"""`wismo plugins build`: the WordPress plugin zip, plain and pre-configured."""

from __future__ import annotations

import gettext
import io
import zipfile

from click.testing import CliRunner

from adapters.woocommerce import WooCommerceAdapter
from adapters.woocommerce.package import config_php
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
