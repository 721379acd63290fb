"""JSON Schemas for the content files, generated from the models (editors use them)."""

from __future__ import annotations

from typing import Any

from .models import Era, PopulationFile, Posting, Specimen

BASE = "https://otiose.invalid/schema/"


def specimen_schema() -> dict[str, Any]:
    """The JSON Schema of ``specimens/<id>.yaml``."""
    return _schema(Specimen, "specimen")


def posting_schema() -> dict[str, Any]:
    """The JSON Schema of a posting's front matter."""
    return _schema(Posting, "posting")


def era_schema() -> dict[str, Any]:
    """The JSON Schema of ``eras/<era>/era.yaml``."""
    return _schema(Era, "era")


def population_schema() -> dict[str, Any]:
    """The JSON Schema of ``population.yaml`` (today's and each era's)."""
    return _schema(PopulationFile, "population")


def _schema(model: Any, name: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE}{name}.json",
        **schema,
    }
