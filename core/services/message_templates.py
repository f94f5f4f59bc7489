"""A shop's edited message templates: validate, save with history, reset, restore.

Edits live in shop.settings["templates"] keyed by template name
("uk/email/shipped.html.j2"), which is what `Container.renderer_for` lays over the
defaults. Every save and reset is also kept as a TemplateVersion row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import registry
from core.domain.statuses import Status
from core.errors import TemplateError
from core.i18n import N_
from core.links import Links
from core.rendering import SUPPORTED_LOCALES, Rendered, Renderer, sample_facts
from core.rendering.budget import RenderBudgetError
from core.rendering.renderer import uses_short_links
from core.shop_settings import settings_of
from core.storage.models import Shop, TemplateVersion

from .shops import update_settings
from .shortlinks import sample_link_facts

EMAIL_PARTS = ("subject", "html", "txt")


def folders() -> list[str]:
    """The editable template folders: those of the installed message kinds (email, sms,
    messenger, a plug-in's push, ...), in the kinds' order."""
    return list(dict.fromkeys(k.templates for k in registry.kinds().values() if k.templates))


def parts(folder: str) -> tuple[str, ...]:
    """The parts of a message in `folder`: email has a subject and an HTML body besides."""
    return EMAIL_PARTS if folder == "email" else ("txt",)


PART_LABELS = {"subject": N_("Subject"), "html": N_("HTML body"), "txt": N_("Text body")}


@dataclass(frozen=True)
class Slot:
    """One editable message: a channel, a status and a language."""

    channel: str
    status: Status
    locale: str

    @classmethod
    def parse(cls, channel: str, status: str, locale: str) -> Slot | None:
        """The slot these URL parts name, or None."""
        if channel not in folders() or locale not in SUPPORTED_LOCALES:
            return None
        try:
            return cls(channel, Status(status), locale)
        except ValueError:
            return None

    def name(self, part: str) -> str:
        return f"{self.locale}/{self.channel}/{self.status.value}.{part}.j2"

    @property
    def names(self) -> dict[str, str]:
        """Part -> template name."""
        return {part: self.name(part) for part in parts(self.channel)}


def overrides(shop: Shop) -> dict[str, str]:
    return dict(settings_of(shop).templates)


def default_source(name: str) -> str:
    """The shipped template's source ("" where a plug-in's kind ships none for this status)."""
    env = Renderer().env
    assert env.loader is not None
    try:
        return env.loader.get_source(env, name)[0]
    except jinja2.TemplateNotFound:
        return ""


def current_sources(shop: Shop, slot: Slot) -> dict[str, str]:
    """Part -> the source in use: the shop's edit, or the default."""
    edits = overrides(shop)
    return {part: edits.get(name) or default_source(name) for part, name in slot.names.items()}


def preview_facts(
    shop: Shop, status: Status, locale: str, links: Links | None = None, kind: str = "email"
) -> dict[str, Any]:
    """The sample order, shown under the shop's own name and branding.

    With `links`, an SMS or messenger preview carries a short link of the length real
    messages carry, so its segment count is the one the shop will be billed.
    """
    facts = sample_facts(status, locale)
    if links is not None and uses_short_links(kind):
        facts.update(sample_link_facts(links))
    branding = settings_of(shop).branding
    facts["shop"] = {
        **facts["shop"],
        "name": shop.name,
        **{
            k: v
            for k in ("logo_url", "brand_color", "support_email", "support_phone", "support_url")
            if (v := getattr(branding, k))
        },
    }
    return facts


@dataclass(frozen=True)
class PartError:
    part: str
    message: str
    lineno: int | None
    budget: RenderBudgetError | None = None  # the render budget was exceeded: which limit


def check(shop: Shop, slot: Slot, drafts: Mapping[str, str]) -> list[PartError]:
    """Each draft part compiled and rendered in the sandbox with strict undefined variables."""
    names = slot.names
    trial = {**overrides(shop), **{names[p]: src for p, src in drafts.items() if p in names}}
    renderer = Renderer(trial)
    errors = []
    for part, source in drafts.items():
        if part not in names:
            continue
        try:
            renderer.validate(names[part], source)
        except RenderBudgetError as exc:
            errors.append(PartError(part, str(exc), exc.lineno, exc))
        except TemplateError as exc:
            errors.append(PartError(part, str(exc), exc.lineno))
    return errors


def preview(
    shop: Shop, slot: Slot, drafts: Mapping[str, str], links: Links | None = None
) -> Rendered:
    """The message as the drafts would render it for the sample order (TemplateError if not)."""
    names = slot.names
    trial = {**overrides(shop), **{names[p]: src for p, src in drafts.items() if p in names}}
    kind = "email" if slot.channel == "email" else slot.channel
    facts = preview_facts(shop, slot.status, slot.locale, links, kind)
    return Renderer(trial).render(kind, slot.status, slot.locale, facts)


def save(
    session: Session, shop: Shop, slot: Slot, drafts: Mapping[str, str], author: str | None
) -> list[PartError]:
    """Validate then store the drafts that differ from what is in use; errors save nothing."""
    errors = check(shop, slot, drafts)
    if errors:
        return errors
    edits = overrides(shop)
    current = current_sources(shop, slot)
    for part, source in drafts.items():
        name = slot.names.get(part)
        if name is None or source == current[part]:
            continue
        edits[name] = source.replace("\r\n", "\n")
        session.add(TemplateVersion(shop_id=shop.id, name=name, source=edits[name], author=author))
    update_settings(shop, templates=edits)
    return []


def reset(session: Session, shop: Shop, slot: Slot, author: str | None) -> None:
    """Back to the shipped defaults for this slot (kept in the history as a reset)."""
    edits = overrides(shop)
    for name in slot.names.values():
        if edits.pop(name, None) is not None:
            session.add(TemplateVersion(shop_id=shop.id, name=name, source=None, author=author))
    update_settings(shop, templates=edits)


def history(session: Session, shop: Shop, slot: Slot) -> list[TemplateVersion]:
    """Saved versions of this slot's parts, newest first."""
    return list(
        session.scalars(
            select(TemplateVersion)
            .where(
                TemplateVersion.shop_id == shop.id,
                TemplateVersion.name.in_(list(slot.names.values())),
            )
            .order_by(TemplateVersion.created_at.desc(), TemplateVersion.id.desc())
            .limit(50)
        )
    )


def restore(session: Session, shop: Shop, version: TemplateVersion, author: str | None) -> None:
    """Make an earlier version the one in use again (a new version row records it)."""
    if version.shop_id != shop.id:
        raise PermissionError("another shop's template")
    edits = overrides(shop)
    if version.source is None:
        edits.pop(version.name, None)
    else:
        edits[version.name] = version.source
    session.add(
        TemplateVersion(shop_id=shop.id, name=version.name, source=version.source, author=author)
    )
    update_settings(shop, templates=edits)
