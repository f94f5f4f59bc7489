"""Render a status message for a channel: Jinja in a sandbox, merchant edits over defaults."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

import css_inline
import jinja2

from core import hooks, registry
from core.domain.sms import SmsInfo, count_segments
from core.domain.statuses import Status
from core.errors import TemplateError
from core.rendering.budget import (
    DEFAULT_BUDGET,
    Budget,
    BudgetedSandbox,
    RenderBudgetError,
    metered,
    output,
)
from core.rendering.context import template_context
from core.rendering.locales import DEFAULT_LOCALE, normalize_locale
from core.rendering.samples import sample_variants

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

_INLINER = css_inline.CSSInliner(
    keep_style_tags=False, keep_at_rules=True, load_remote_stylesheets=False
)


@dataclass(frozen=True)
class Rendered:
    """One rendered message: the subject for email, text always, HTML for email."""

    subject: str | None
    text: str
    html: str | None
    sms: SmsInfo | None = None


def templates_dir() -> Path:
    """Wismo's own templates root (<locale>/<folder>/<status>.<ext>.j2)."""
    if TEMPLATES_DIR.is_dir():
        return TEMPLATES_DIR
    from importlib.resources import files  # an installed wheel ships `templates` as a package

    return Path(str(files("templates")))


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".html"))  # type: ignore[union-attr]


class _NamedLoader(jinja2.BaseLoader):
    """Reports each template's name as its filename, so errors can say which one failed."""

    def __init__(self, inner: jinja2.BaseLoader) -> None:
        self.inner = inner

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, _, uptodate = self.inner.get_source(environment, template)
        return source, template, uptodate

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


def folder_of(kind: str) -> str | None:
    """The template folder messages of `kind` come from (a kind's, or a folder's own name)."""
    found = registry.kind(kind)
    if found is not None:
        return found.templates or None
    folders = {k.templates for k in registry.kinds().values() if k.templates}
    return kind if kind in folders else None


def uses_short_links(kind: str) -> bool:
    """Whether messages of `kind` (or of the template folder `kind`) carry /t/<code> links."""
    found = registry.kind(kind)
    if found is not None:
        return found.short_links
    return any(k.short_links for k in registry.kinds().values() if k.templates == kind)


def _plugin_dirs() -> tuple[str, ...]:
    """Template roots that plug-in kinds bring, after the default one."""
    dirs = (str(k.template_dir) for k in registry.kinds().values() if k.template_dir)
    return tuple(dict.fromkeys(dirs))


@lru_cache(maxsize=64)
def _environment(
    overrides: tuple[tuple[str, str], ...], plugin_dirs: tuple[str, ...] = ()
) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [
            jinja2.DictLoader(dict(overrides)),
            jinja2.FileSystemLoader([str(templates_dir()), *plugin_dirs]),
        ]
    )
    return BudgetedSandbox(
        loader=_NamedLoader(loader),
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def _location(exc: BaseException) -> tuple[int | None, str | None]:
    """The template line an error was raised on, from Jinja's rewritten traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.lineno, exc.name
    found: tuple[int | None, str | None] = (None, None)
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:  # a frame Jinja made for a template
            found = (tb.tb_lineno, tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    return found


def _template_error(exc: BaseException, fallback_name: str | None) -> TemplateError:
    lineno, name = _location(exc)
    name = name if name and not name.startswith("<") else fallback_name
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    where = f" ({name}, line {lineno})" if lineno else ""
    return TemplateError(f"{message}{where}", lineno=lineno, name=name)


def tidy_text(text: str) -> str:
    """Trailing spaces off each line, at most one blank line in a row, no edges."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())  # a subject never carries a newline into a mail header


class Renderer:
    """Renders default templates, with a shop's edited sources (by template name) on top."""

    def __init__(
        self,
        overrides: Mapping[str, str] | None = None,
        shop: hooks.HookShop | None = None,
        budget: Budget = DEFAULT_BUDGET,
    ) -> None:
        self.overrides = dict(overrides or {})
        self.budget = budget  # what one message's rendering may spend (core.rendering.budget)
        self.plugin_dirs = _plugin_dirs()
        self.env = _environment(tuple(sorted(self.overrides.items())), self.plugin_dirs)
        self.shop = shop  # when set, the `wismo.hooks` may add template variables

    def _template(self, locale: str, folder: str, status: Status, part: str) -> jinja2.Template:
        names = [
            f"{loc}/{folder}/{status.value}.{part}.j2"
            for loc in dict.fromkeys((locale, DEFAULT_LOCALE))
        ]
        try:
            return self.env.select_template(names)
        except jinja2.TemplatesNotFound as exc:
            raise TemplateError(f"no template for {names[-1]}", name=names[0]) from exc
        except Exception as exc:
            raise _template_error(exc, names[0]) from exc

    def _render(self, template: jinja2.Template, context: Mapping[str, Any]) -> str:
        try:
            return output(template.generate(context))
        except RenderBudgetError as exc:  # already says which limit; add where it stopped
            exc.lineno, name = _location(exc)
            exc.name = name if name and not name.startswith("<") else template.name
            raise
        except Exception as exc:  # a merchant's template may fail in any way; say where
            raise _template_error(exc, template.name) from exc

    def render(
        self, kind: str, status: Status | str, locale: str | None, facts: Mapping[str, Any]
    ) -> Rendered:
        """The message for `status` on a channel of `kind` (email, sms, whatsapp, …), rendered
        within the budget (RenderBudgetError, a TemplateError, when a template exceeds it)."""
        with metered(self.budget):
            return self._message(kind, status, locale, facts)

    def _message(
        self, kind: str, status: Status | str, locale: str | None, facts: Mapping[str, Any]
    ) -> Rendered:
        folder = folder_of(kind)
        if folder is None:
            known = sorted(k for k, v in registry.kinds().items() if v.templates)
            raise ValueError(f"unknown message kind {kind!r}; expected one of {known}")
        status = Status(status)
        loc = normalize_locale(locale) or DEFAULT_LOCALE
        context = template_context(facts, status, loc)
        if self.shop is not None:
            order = facts.get("order") or {}
            number = str(order.get("number") or "")
            message = hooks.HookMessage(
                kind, status.value, str(order.get("external_id") or number), number or None, loc
            )
            context.update(hooks.template_variables(self.shop, message, context))
        if folder == "email":
            subject = self._render(self._template(loc, folder, status, "subject"), context)
            text = self._render(self._template(loc, folder, status, "txt"), context)
            html = self._render(self._template(loc, folder, status, "html"), context)
            try:
                html = _INLINER.inline(html)
            except css_inline.InlineError as exc:
                raise TemplateError(f"cannot inline the email's CSS: {exc}") from exc
            return Rendered(_one_line(subject), tidy_text(text), html)
        text = tidy_text(self._render(self._template(loc, folder, status, "txt"), context))
        return Rendered(None, text, None, count_segments(text) if folder == "sms" else None)

    def validate(self, name: str, source: str) -> None:
        """Compile `source` as template `name` and render it, within the budget, for each sample
        order (many items, none, long names; every status for a shared part), or TemplateError."""
        try:
            self.env.parse(source, name=name)
        except jinja2.TemplateSyntaxError as exc:
            raise _template_error(exc, name) from exc
        locale, status = _parse_name(name)
        trial = _environment(
            tuple(sorted({**self.overrides, name: source}.items())), self.plugin_dirs
        )
        template = trial.get_template(name)
        statuses = [status] if _is_status_template(name) else list(Status)
        for each in statuses:
            for facts in sample_variants(each, locale):
                with metered(self.budget):
                    rendered = self._render(template, template_context(facts, each, locale))
        if _autoescape(name):
            try:
                _INLINER.inline(rendered)
            except css_inline.InlineError as exc:
                raise TemplateError(f"cannot inline the CSS: {exc}", name=name) from exc


def _is_status_template(name: str) -> bool:
    """Whether `name` is one status's message (not a part every status shares)."""
    stem = name.split("/")[-1].split(".", 1)[0]
    return stem in {s.value for s in Status}


def _parse_name(name: str) -> tuple[str, Status]:
    """The locale and status a template name is for; shared parts preview as shipped."""
    parts = name.split("/")
    locale = normalize_locale(parts[0]) if len(parts) > 1 else None
    stem = parts[-1].split(".", 1)[0]
    status = Status(stem) if stem in {s.value for s in Status} else Status.SHIPPED
    return locale or DEFAULT_LOCALE, status
