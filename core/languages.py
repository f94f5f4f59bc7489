"""Language identification for shoppers' short messages, with lingua (en, ru, uk only).

lingua is made for short text and mixed scripts. Its detector takes about a second and
~150 MB to build (the n-gram models of three languages), so it is built once per process,
on first use, and shared by every thread (it is read-only once built). The decision
rules stay pure in core/domain/language.py, which receives `identify` as a port.
"""

from __future__ import annotations

import threading

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

_CODES = {Language.ENGLISH: "en", Language.RUSSIAN: "ru", Language.UKRAINIAN: "uk"}
_lock = threading.Lock()
_detector: LanguageDetector | None = None


def detector() -> LanguageDetector:
    """The process's one detector, built on first use."""
    global _detector
    if _detector is None:
        with _lock:  # two first requests at once still build it once
            if _detector is None:
                _detector = (
                    LanguageDetectorBuilder.from_languages(*_CODES)
                    .with_preloaded_language_models()
                    .build()
                )
    return _detector


def identify(text: str) -> dict[str, float]:
    """The confidence (0..1) that `text` is English, Russian or Ukrainian; empty if no clue."""
    values = detector().compute_language_confidence_values(text)
    return {_CODES[v.language]: v.value for v in values if v.value > 0}
