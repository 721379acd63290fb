"""Content: the models, the strict YAML loader, validation and the in-memory library.

Nothing in this package imports Flask; it can be used and tested on its own.
"""

from .errors import ContentError, Problem
from .library import Library
from .load import load_library, no_specimens
from .models import Era, Posting, Specimen

__all__ = [
    "ContentError",
    "Era",
    "Library",
    "Posting",
    "Problem",
    "Specimen",
    "load_library",
    "no_specimens",
]
