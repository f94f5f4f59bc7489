"""The .ocmod.zip archives: laid out as each OpenCart version's Extension Installer reads them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner

from adapters.opencart import OpenCartAdapter, package
from wismo.cli import main

CONFIG = {"wismo_url": "https://wismo.example", "shop_key": "k3y'x", "secret": "whsec_QUFB"}

# OpenCart 3.0.4.1 admin/controller/marketplace/install.php copies only into these.
OC3_ALLOWED = (
    "admin/controller/extension/",
    "admin/language/",
    "admin/model/extension/",
    "admin/view/template/extension/",
    "catalog/controller/extension/",
    "catalog/language/",
    "catalog/model/extension/",
    "catalog/view/theme/",
    "system/library/",
)


def names(path):
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def test_builds_one_archive_per_version(tmp_path):
    oc3, oc4 = OpenCartAdapter.package_plugin(tmp_path)
    assert oc3.name == "wismo-opencart-3.x.ocmod.zip"
    # OpenCart 4 takes the extension code (folder and PHP namespace) from the file name.
    assert oc4.name == "wismo.ocmod.zip"


def test_the_3x_archive_writes_only_where_the_installer_allows(tmp_path):
    oc3, _ = OpenCartAdapter.package_plugin(tmp_path)
    files = names(oc3)
    assert all(n.startswith("upload/") for n in files)
    for name in files:
        assert name.removeprefix("upload/").startswith(OC3_ALLOWED), name
    for expected in (
        "upload/admin/controller/extension/module/wismo.php",
        "upload/catalog/controller/extension/module/wismo.php",
        "upload/system/library/wismo/autoload.php",
        "upload/system/library/wismo/Signer.php",
        "upload/admin/language/en-gb/extension/module/wismo.php",
        "upload/admin/language/ru-ru/extension/module/wismo.php",
        "upload/admin/language/uk-ua/extension/module/wismo.php",
        "upload/catalog/language/uk-ua/extension/module/wismo.php",
    ):
        assert expected in files


def test_the_4x_archive_has_install_json_and_the_extension_folders_at_its_root(tmp_path):
    _, oc4 = OpenCartAdapter.package_plugin(tmp_path)
    files = names(oc4)
    assert {n.split("/")[0] for n in files} == {"install.json", "admin", "catalog", "system"}
    with zipfile.ZipFile(oc4) as zf:
        info = json.loads(zf.read("install.json"))
    assert info["name"] and info["version"] and info["author"]
    for expected in (
        "admin/controller/module/wismo.php",
        "catalog/controller/module/wismo.php",
        "system/library/wismo/Pusher.php",
        "admin/language/uk-ua/module/wismo.php",
        "catalog/language/ru-ru/module/wismo.php",
    ):
        assert expected in files


def test_without_config_there_is_no_preset_and_with_it_the_preset_is_valid_php(tmp_path):
    plain = OpenCartAdapter.package_plugin(tmp_path / "plain")
    assert not any(n.endswith("preset.php") for p in plain for n in names(p))
    _, oc4 = OpenCartAdapter.package_plugin(tmp_path / "shop", CONFIG)
    with zipfile.ZipFile(oc4) as zf:
        preset = zf.read("system/library/wismo/preset.php").decode()
    php = shutil.which("php")
    if php is None:
        pytest.fail("php is not installed")
    out = subprocess.run(
        [php, "-r", "echo json_encode(eval(substr(stream_get_contents(STDIN), 5)));"],
        input=preset,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == CONFIG


def test_a_preset_needs_every_value(tmp_path):
    with pytest.raises(ValueError, match="secret"):
        OpenCartAdapter.package_plugin(tmp_path, {"wismo_url": "https://w", "shop_key": "k"})


def test_wismo_plugins_build_writes_both(tmp_path):
    result = CliRunner().invoke(
        main, ["plugins", "build", "--out", str(tmp_path), "--platform", "opencart"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "wismo-opencart-3.x.ocmod.zip").is_file()
    assert (tmp_path / "opencart-4.x" / "wismo.ocmod.zip").is_file()


def dates(path):
    with zipfile.ZipFile(path) as zf:
        return {i.filename: i.date_time for i in zf.infolist()}


def test_the_same_sources_give_the_same_archives(tmp_path):
    first = OpenCartAdapter.package_plugin(tmp_path / "a")
    second = OpenCartAdapter.package_plugin(tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_an_upgrade_gives_every_changed_file_a_new_date(tmp_path, monkeypatch):
    """OpenCart 3.0's installer keeps the archive's dates, and opcache (revalidating by
    timestamp) kept running the old autoload.php of an upgraded module: a fatal error."""
    oc3, _ = OpenCartAdapter.package_plugin(tmp_path / "old")
    lib = tmp_path / "module"
    shutil.copytree(package.MODULE, lib)
    autoload = lib / "lib" / "autoload.php"
    autoload.write_text(autoload.read_text() + "require_once __DIR__ . '/New.php';\n")
    monkeypatch.setattr(package, "MODULE", lib)
    new3, _ = OpenCartAdapter.package_plugin(tmp_path / "new")
    old, new = dates(oc3), dates(new3)
    name = "upload/system/library/wismo/autoload.php"
    assert new[name] != old[name]
    assert {n: d for n, d in new.items() if n != name} == {
        n: d for n, d in old.items() if n != name
    }
    assert all(1980 <= d[0] <= 2026 for d in new.values())


def test_the_tracking_save_on_the_30_order_page_posts_once():
    """OpenCart 3.0's admin common.js submits every form whose id has "form-" in it when a
    submit button is clicked, which posted the tracking number twice (issue 18 item 10):
    the box's form is named otherwise, its button is a plain button, and the script
    ignores a second click while a save is under way. (4.x's common.js has no such rule.)"""
    twig = package.MODULE / "oc3/upload/admin/view/template/extension/module/wismo_order.twig"
    text = twig.read_text()
    forms = re.findall(r"<form\b[^>]*>", text)
    assert forms and all("form-" not in f for f in forms), forms
    assert 'type="submit"' not in text
    assert '<button type="button" id="button-wismo-tracking"' in text
    assert "if (button.prop('disabled'))" in text
