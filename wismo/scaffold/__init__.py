"""`wismo new adapter|channel|carrier NAME`: a plug-in package to start from.

The package is separate from Wismo (its own pyproject, entry point, tests and README) and
passes its own tests and the contract kit (`pytest --wismo-contract`) as generated.
Templates are Jinja files under templates/<kind>/ and templates/common/; `__module__` in a
path becomes the package's import name.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

KINDS = ("adapter", "channel", "carrier")
SLUG = re.compile(r"^[a-z][a-z0-9_]{1,19}$")


class ScaffoldError(ValueError):
    """The name or the destination cannot be used."""


@dataclass(frozen=True)
class Names:
    """Every spelling of the plug-in's name the templates need."""

    kind: str
    slug: str  # entry point name, settings key, URL segment: "acme"
    dist: str  # the distribution: "wismo-adapter-acme"
    module: str  # the import name: "wismo_adapter_acme"
    camel: str  # class name stem: "Acme"
    label: str  # shown to merchants: "Acme"
    wismo_version: str


def names_for(kind: str, name: str) -> Names:
    """The names of a new plug-in of `kind` called `name` (ScaffoldError if unusable)."""
    if kind not in KINDS:
        raise ScaffoldError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    slug = name.strip().lower().replace("-", "_")
    if not SLUG.match(slug):
        raise ScaffoldError(
            f"{name!r}: a name is 2-20 lowercase letters, digits or '_', starting with a letter"
        )
    try:
        wismo_version = version("wismo")
    except PackageNotFoundError:  # running from a source tree that is not installed
        wismo_version = "0.1.0"
    camel = "".join(part.capitalize() for part in slug.split("_"))
    label = " ".join(part.capitalize() for part in slug.split("_"))
    return Names(
        kind=kind,
        slug=slug,
        dist=f"wismo-{kind}-{slug.replace('_', '-')}",
        module=f"wismo_{kind}_{slug}",
        camel=camel,
        label=label,
        wismo_version=wismo_version,
    )


def scaffold(kind: str, name: str, parent: Path) -> Path:
    """Write the package into `parent/<dist>`; return its folder (ScaffoldError if it exists)."""
    names = names_for(kind, name)
    root = parent / names.dist
    if root.exists():
        raise ScaffoldError(f"{root} already exists")
    env = Environment(
        loader=PackageLoader("wismo.scaffold", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    context = asdict(names)
    for template_name in sorted(env.list_templates(extensions=["j2"])):
        folder, _, relative = template_name.partition("/")
        if folder not in ("common", kind):
            continue
        target = root / relative.removesuffix(".j2").replace("__module__", names.module).replace(
            "dot-", "."
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(env.get_template(template_name).render(context), "utf-8")
    return root
