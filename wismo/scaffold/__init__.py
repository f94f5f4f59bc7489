"""`wismo new adapter|channel|carrier NAME`: a plug-in package to start from.

The package is separate from Wismo (its own pyproject, entry point, tests and README) and
passes its own tests and the contract kit (`pytest --wismo-contract`) as generated.
Templates are Jinja files under templates/<kind>/ and templates/common/; `__module__` in a
path becomes the package's import name.

A channel carries one message kind (`--kind`, SMS by default). A kind no installed channel
defines yet (`--kind push`) is a new one: the package then defines it (its `MessageKind`
with an address resolver) and brings its templates, for every status in en, uk and ru,
started from Wismo's own SMS texts (short, self-contained) for the agency to rewrite.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from core import registry
from core.channels.kinds import email_address, phone_address
from core.domain.statuses import Status
from core.plugins import SDK_VERSION, AddressResolver
from core.rendering import SUPPORTED_LOCALES, templates_dir

KINDS = ("adapter", "channel", "carrier")
# the example shopper's address for an installed kind, by its resolver (a new kind: their id)
RECIPIENTS: dict[AddressResolver | None, str] = {
    email_address: "olena@example.com",
    phone_address: "+380501234567",
}
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
    message_kind: str = ""  # a channel's message kind: "sms", or a new one such as "push"
    new_kind: bool = False  # the channel defines `message_kind` and brings its templates
    recipient: str = ""  # where the example shopper gets `message_kind` messages
    sdk: str = ""  # the wismo.sdk versions the package is built for: ">=1.1,<2"


def names_for(kind: str, name: str, message_kind: str | None = None) -> Names:
    """The names of a new plug-in of `kind` called `name` (ScaffoldError if unusable).

    `message_kind` is a channel's: an installed kind (sms, email, whatsapp...) or a new one.
    """
    if kind not in KINDS:
        raise ScaffoldError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    slug = name.strip().lower().replace("-", "_")
    if not SLUG.match(slug):
        raise ScaffoldError(
            f"{name!r}: a name is 2-20 lowercase letters, digits or '_', starting with a letter"
        )
    if message_kind is not None and kind != "channel":
        raise ScaffoldError("--kind is a channel's message kind: only `wismo new channel` has it")
    carried = (message_kind or "sms").strip().lower().replace("-", "_")
    if kind == "channel" and not SLUG.match(carried):
        raise ScaffoldError(
            f"{message_kind!r}: a message kind is 2-20 lowercase letters, digits or '_'"
        )
    installed = registry.kind(carried) if kind == "channel" else None
    if installed is not None and (installed.address is None or installed.opt_in):
        raise ScaffoldError(
            f"--kind {carried}: its messages go to an address the shopper opts in with or to "
            "the merchant's system; start from --kind sms, or a new kind of your own"
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
        message_kind=carried if kind == "channel" else "",
        new_kind=kind == "channel" and installed is None,
        recipient=RECIPIENTS.get(installed.address, "cust-7") if installed else "cust-7",
        sdk=sdk_range(SDK_VERSION),
    )


def sdk_range(current: str) -> str:
    """The SDK versions a package made against `current` runs on: this minor up to the next
    major (semver: minors only add)."""
    major, minor, *_ = (int(part) for part in current.split("."))
    return f">={major}.{minor},<{major + 1}"


def scaffold(kind: str, name: str, parent: Path, message_kind: str | None = None) -> Path:
    """Write the package into `parent/<dist>`; return its folder (ScaffoldError if it exists)."""
    names = names_for(kind, name, message_kind)
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
    if names.new_kind:
        _copy_templates(root / "src" / names.module / "templates", names.message_kind)
    return root


def _copy_templates(into: Path, kind: str) -> None:
    """A new kind's templates: one per status in each language, from Wismo's SMS texts."""
    wismo_templates = templates_dir()
    for locale in SUPPORTED_LOCALES:
        folder = into / locale / kind
        folder.mkdir(parents=True)
        for status in Status:
            source = wismo_templates / locale / "sms" / f"{status.value}.txt.j2"
            shutil.copyfile(source, folder / source.name)
