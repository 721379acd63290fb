"""The one owner of app state: the loaded content and the game board, typed.

Views and tests read state through these functions, never through ``app.extensions``.
"""

from __future__ import annotations

from typing import cast

from flask import Flask, current_app

from ..content import Library
from ..game.board import Board
from .site import Site

_KEY = "otiose"


def install(app: Flask, site: Site) -> None:
    """Make ``site`` the app's state (called once by the factory)."""
    app.extensions[_KEY] = site


def site(app: Flask | None = None) -> Site:
    """The loaded site of ``app`` (default: the current app)."""
    return cast(Site, (app or current_app).extensions[_KEY])


def library(app: Flask | None = None) -> Library:
    """The content library; requests never run without one (errors.py shows content problems)."""
    lib = site(app).library
    if lib is None:
        raise RuntimeError("content is not loaded")
    return lib


def board(app: Flask | None = None) -> Board:
    """The game board over the loaded library."""
    b = site(app).board
    if b is None:
        raise RuntimeError("content is not loaded")
    return b
