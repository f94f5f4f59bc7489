"""Charts as inline SVG, drawn on the server: no JavaScript library, no CDN."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

PALETTE = ("#0f766e", "#1d4ed8", "#b54708", "#7c3aed", "#be123c", "#475467")


def bar_chart(
    labels: Sequence[str], series: Mapping[str, Sequence[int]], title: str, height: int = 180
) -> Markup:
    """Stacked bars, one per label (a day), one colour per series (a channel)."""
    n = max(len(labels), 1)
    width, pad_l, pad_b = 720, 36, 22
    totals = [sum(v[i] for v in series.values()) for i in range(len(labels))]
    top = max(totals + [1])
    bw = (width - pad_l) / n
    plot_h = height - pad_b - 8
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<text x="0" y="12" font-size="10" fill="#5b6472">{top}</text>',
        f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{width}" y2="{height - pad_b}" '
        'stroke="#e4e7ec"/>',
    ]
    for i, label in enumerate(labels):
        x = pad_l + i * bw
        y = float(height - pad_b)
        for j, (name, values) in enumerate(series.items()):
            v = values[i]
            if not v:
                continue
            h = plot_h * v / top
            y -= h
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(bw - 2, 1):.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(label)} {escape(name)}: '
                f"{v}</title></rect>"
            )
        if n <= 14 or i % max(n // 7, 1) == 0:
            parts.append(
                f'<text x="{x + bw / 2:.1f}" y="{height - 6}" font-size="10" text-anchor="middle" '
                f'fill="#5b6472">{escape(label[5:])}</text>'
            )
    parts.append("</svg>")
    legend = "".join(
        f'<span class="small"><span style="color:{PALETTE[j % len(PALETTE)]}">■</span> '
        f"{escape(name)}</span> "
        for j, name in enumerate(series)
    )
    return Markup("".join(parts) + f"<p>{legend}</p>")


def meter(share: float | None, title: str) -> Markup:
    """A horizontal bar for a share between 0 and 1."""
    if share is None:
        return Markup('<span class="muted">—</span>')
    w = round(200 * share)
    return Markup(
        f'<svg viewBox="0 0 200 12" width="200" height="12" role="img" '
        f'aria-label="{escape(title)}: {share:.0%}"><rect width="200" height="12" rx="6" '
        f'fill="#f2f4f7"/><rect width="{w}" height="12" rx="6" fill="#0f766e"/></svg>'
    )
