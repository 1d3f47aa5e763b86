"""Parameter checks shared by the keyword-network functions and the CLI (run before any work)."""

from __future__ import annotations

import math

from ..errors import InputError

COUNTING = ("full", "fractional")
NORMALIZATIONS = ("association", "cosine", "jaccard")
KEYWORD_KINDS = ("all", "author", "index")


def check_choice(option: str, value: str, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``, else :class:`InputError` naming the option."""
    if value not in allowed:
        raise InputError(f"option {option}", f"unknown value {value!r}", expected=" | ".join(allowed))
    return value


def check_int(option: str, value: int, minimum: int) -> int:
    """``value`` as int if it is a whole number ≥ ``minimum``."""
    ok = not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)
    if not ok or int(value) != value or value < minimum:
        raise InputError(f"option {option}", f"got {value!r}", expected=f"an integer >= {minimum}")
    return int(value)


def check_positive(option: str, value: float) -> float:
    """``value`` if it is a finite number > 0."""
    ok = not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)
    if not ok or value <= 0:
        raise InputError(f"option {option}", f"got {value!r}", expected="a finite number > 0")
    return float(value)


def check_options(*, min_occurrences: int, counting: str, normalization: str, keywords: str,
                  resolution: float, seed: int, max_nodes: int, max_links: int,
                  max_keywords: int | None = None) -> None:
    """Check every parameter of ``interstore literature network`` at once."""
    check_int("--min-occurrences", min_occurrences, 1)
    check_choice("--counting", counting, COUNTING)
    check_choice("--normalization", normalization, NORMALIZATIONS)
    check_choice("--keywords", keywords, KEYWORD_KINDS)
    check_positive("--resolution", resolution)
    check_int("--seed", seed, 0)
    check_int("--max-nodes", max_nodes, 1)
    check_int("--max-links", max_links, 0)
    if max_keywords is not None:
        check_int("--max-keywords", max_keywords, 1)
