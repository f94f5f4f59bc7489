"""Extraction and checking of the catalogues: `python -m core.i18n.catalogues extract|check`.

`extract` reads the sources babel.cfg names into messages.pot and merges it into each .po
(English msgstr = msgid); `check` lists every string that is missing, fuzzy, untranslated or
whose {placeholders} differ from the English, and exits 1 if there is one.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from . import DOMAIN, LOCALES, TEMPLATE, catalogue_path

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "NP_": ((1, "c"), 2), "ngettext_": (1, 2)}
_PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}|%\((\w+)\)[sd]")


def extracted() -> Catalog:
    """Every translatable string in the sources babel.cfg names, as a fresh template."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project="Wismo", domain=DOMAIN, fuzzy=False)
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS)
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def load(locale: str) -> Catalog:
    """The .po catalogue of `locale` as stored (an empty one if there is none yet)."""
    path = catalogue_path(locale)
    if not path.exists():
        return Catalog(locale=locale, domain=DOMAIN, project="Wismo", fuzzy=False)
    with path.open("rb") as po:
        return read_po(po, locale=locale, domain=DOMAIN)


def _save(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalog, width=100, include_lineno=False, ignore_obsolete=True)


def extract() -> None:
    """Rewrite messages.pot from the sources and merge it into every .po."""
    template = extracted()
    _save(template, TEMPLATE)
    for locale in LOCALES:
        catalog = load(locale)
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.fuzzy = False
        if locale == "en":
            for message in catalog:
                if message.id and not _complete(message, catalog):
                    message.string = message.id
        _save(catalog, catalogue_path(locale))


def _complete(message: Message, catalog: Catalog) -> bool:
    if isinstance(message.id, tuple | list):
        forms = message.string if isinstance(message.string, tuple | list) else ()
        return len(forms) == catalog.num_plurals and all(forms)
    return bool(message.string)


def _names(text: str) -> set[str]:
    return {a or b for a, b in _PLACEHOLDER.findall(text)}


def problems(
    template: Catalog | None = None, catalogs: dict[str, Catalog] | None = None
) -> list[str]:
    """What is wrong with the catalogues, one line each; empty when all is well.

    By default the sources are extracted afresh and compared with the stored catalogues.
    """
    template = template or extracted()
    catalogs = catalogs or {locale: load(locale) for locale in LOCALES}
    wanted = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in template if m.id}
    found: list[str] = []
    stored = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in _stored()}
    for key in sorted(wanted - stored, key=str):
        found.append(f"messages.pot: {key} is not extracted (run scripts/i18n extract)")
    for locale, catalog in catalogs.items():
        for message in template:
            if not message.id:
                continue
            got = catalog.get(message.id, context=message.context)
            where = f"{locale}: {message.id!r}"
            where += f" ({message.context})" if message.context else ""
            if got is None:
                found.append(f"{where} is missing (run scripts/i18n extract)")
            elif got.fuzzy:
                found.append(f"{where} is fuzzy")
            elif not _complete(got, catalog):
                found.append(f"{where} is not translated")
            else:
                ids = got.id if isinstance(got.id, tuple | list) else [got.id]
                strings = got.string if isinstance(got.string, tuple | list) else [got.string]
                expected = set().union(*(_names(i) for i in ids))
                for text in strings:
                    if _names(text or "") - expected:
                        found.append(f"{where}: {text!r} has a placeholder the English lacks")
        for message in catalog:
            key = (message.id if isinstance(message.id, str) else message.id[0], message.context)
            if message.id and key not in wanted:
                found.append(f"{locale}: {key} is no longer used (run scripts/i18n extract)")
    return found


def _stored() -> Catalog:
    if not TEMPLATE.exists():
        return Catalog(domain=DOMAIN)
    with TEMPLATE.open("rb") as pot:
        return read_po(pot, domain=DOMAIN)


def main(argv: list[str]) -> int:
    """`extract` or `check`."""
    if argv[1:] == ["extract"]:
        extract()
        return 0
    if argv[1:] == ["check"]:
        found = problems()
        print("\n".join(found) or "catalogues complete: en, ru, uk")
        return 1 if found else 0
    print("usage: python -m core.i18n.catalogues extract|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
