"""Two small pieces of English that every part of the app writes: a count with its noun, and a
list joined with "and". Plain functions, with no Flask, for the domain packages and the web."""

from __future__ import annotations

from collections.abc import Iterable


def plural(n: int, word: str, number: bool = True) -> str:
    """``1 offer``, ``3 offers``, ``1,204 runs``; with ``number=False`` the word alone, in the
    form ``n`` takes (for a number shown apart, in bold, say)."""
    form = word if n == 1 else f"{word}s"
    return f"{n:,} {form}" if number else form


def join_and(items: Iterable[object]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``; one item alone, none as the empty string."""
    words = [str(x) for x in items]
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)
