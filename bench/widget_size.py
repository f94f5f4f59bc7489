"""Print the storefront widget's size, raw and gzipped; exits 1 over the 8 KB budget.

.venv/bin/python bench/widget_size.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

BUDGET = 8 * 1024
WIDGET = Path(__file__).resolve().parents[1] / "webapp" / "static" / "widget.js"


def gzipped_size(data: bytes) -> int:
    """Bytes on the wire with gzip at the level web servers use by default (6)."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def main() -> int:
    data = WIDGET.read_bytes()
    size = gzipped_size(data)
    print(f"widget.js: {len(data)} bytes raw, {size} bytes gzipped (budget {BUDGET})")
    return 0 if size <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
