"""Message rendering: default templates per locale, merchant edits in a sandbox, formatting.

renderer = Renderer(overrides={"uk/sms/shipped.txt.j2": "..."})
message = renderer.render("email", Status.SHIPPED, "uk", facts)
"""

from core.rendering.budget import DEFAULT_BUDGET, Budget, RenderBudgetError
from core.rendering.catalogue import status_description, status_label, ui_text
from core.rendering.context import VARIABLES, template_context
from core.rendering.locales import (
    DEFAULT_LOCALE,
    SUPPORTED_LOCALES,
    format_day,
    format_day_range,
    format_money,
    normalize_locale,
    sentence,
    shipment_progress,
)
from core.rendering.renderer import (
    Rendered,
    Renderer,
    folder_of,
    templates_dir,
    uses_short_links,
)
from core.rendering.samples import minimal_facts, sample_facts, sample_variants

__all__ = [
    "Budget",
    "DEFAULT_BUDGET",
    "RenderBudgetError",
    "DEFAULT_LOCALE",
    "folder_of",
    "uses_short_links",
    "SUPPORTED_LOCALES",
    "VARIABLES",
    "Renderer",
    "Rendered",
    "format_day",
    "format_day_range",
    "format_money",
    "minimal_facts",
    "normalize_locale",
    "sample_facts",
    "sample_variants",
    "sentence",
    "shipment_progress",
    "status_description",
    "status_label",
    "template_context",
    "templates_dir",
    "ui_text",
]
