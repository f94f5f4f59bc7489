"""Builds the installable OpenCart modules, each the way its Extension Installer expects.

- 3.0.x (admin/controller/marketplace/install.php): a `.ocmod.zip` whose `upload/`
  folder is copied over the store root, only into the allowed folders
  (admin/controller/extension/, catalog/view/theme/, system/library/, ...).
- 4.x (admin/controller/marketplace/installer.php): a `.ocmod.zip` with `install.json`
  at the root; everything is unpacked to `extension/<code>/`, and the *file name* is the
  code, which also names the PHP namespace (`...\\Extension\\Wismo\\...`). So the 4.x
  archive must be called `wismo.ocmod.zip`; it gets a folder of its own.

The shared PHP library (module/lib/) and the language files (module/lang/<admin|catalog>/
<code>/wismo.php, the same text for both versions) are copied into both, each where its
version looks for them. With `config` (wismo_url, shop_key, secret) a `preset.php`
pre-fills the settings page on install.
"""

from __future__ import annotations

import datetime
import hashlib
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

MODULE = Path(__file__).resolve().parent / "module"
OC3_NAME = "wismo-opencart-3.x.ocmod.zip"
OC4_NAME = "opencart-4.x/wismo.ocmod.zip"
PRESET_KEYS = ("wismo_url", "shop_key", "secret")
_EPOCH = datetime.datetime(2000, 1, 1)
_SPAN = 20 * 365 * 24 * 3600  # seconds of entry dates to spread contents over


def _files(root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path.relative_to(root).as_posix(), path


def _php_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def preset_php(config: Mapping[str, str]) -> str:
    """The PHP file that pre-fills the module's settings with this shop's connection."""
    missing = [k for k in PRESET_KEYS if not str(config.get(k) or "").strip()]
    if missing:
        raise ValueError(f"config needs {', '.join(missing)}")
    lines = [f"    {_php_string(k)} => {_php_string(str(config[k]).strip())}," for k in PRESET_KEYS]
    return (
        "<?php\n// Written by Wismo for this shop: read when the module is installed.\n"
        + "return [\n"
        + "\n".join(lines)
        + "\n];\n"
    )


def entry_date(data: bytes) -> tuple[int, int, int, int, int, int]:
    """A zip entry date that depends on the file's content alone.

    The same sources still give the same archive, but every changed file gets a new date.
    A fixed date for all entries broke upgrades: OpenCart 3.0's installer keeps the
    archive's dates on the files it copies, and PHP's opcache (on by default, revalidating
    by timestamp only) kept running the old file when the new one had the same date.
    """
    seconds = int.from_bytes(hashlib.sha256(data).digest()[:8], "big") % _SPAN
    stamp = _EPOCH + datetime.timedelta(seconds=seconds - seconds % 2)  # zip dates: 2 s steps
    return (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)


def _write(archive: Path, entries: list[tuple[str, bytes]]) -> Path:
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=entry_date(data))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return archive


def _entries(
    lib_dir: str, lang_path: str, config: Mapping[str, str] | None, tree: Path
) -> list[tuple[str, bytes]]:
    entries = [(name, path.read_bytes()) for name, path in _files(tree)]
    entries += [(f"{lib_dir}/{name}", path.read_bytes()) for name, path in _files(MODULE / "lib")]
    for name, path in _files(MODULE / "lang"):
        side, code, _file = name.split("/")
        entries.append((lang_path.format(side=side, code=code), path.read_bytes()))
    if config is not None:
        entries.append((f"{lib_dir}/preset.php", preset_php(config).encode("utf-8")))
    return entries


def build_oc3(out_dir: Path, config: Mapping[str, str] | None = None) -> Path:
    """The OpenCart 3.0.x archive: upload/ mirrors the store root."""
    entries = _entries(
        "upload/system/library/wismo",
        "upload/{side}/language/{code}/extension/module/wismo.php",
        config,
        MODULE / "oc3",
    )
    return _write(out_dir / OC3_NAME, entries)


def build_oc4(out_dir: Path, config: Mapping[str, str] | None = None) -> Path:
    """The OpenCart 4.x archive: install.json, admin/, catalog/, system/ at the root."""
    entries = _entries(
        "system/library/wismo", "{side}/language/{code}/module/wismo.php", config, MODULE / "oc4"
    )
    return _write(out_dir / OC4_NAME, entries)


def package_modules(out_dir: Path, config: Mapping[str, str] | None = None) -> list[Path]:
    """Both archives, written under `out_dir`."""
    return [build_oc3(out_dir, config), build_oc4(out_dir, config)]
