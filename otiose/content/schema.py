"""JSON Schemas for the content files, generated from the models (editors use them)."""

from __future__ import annotations

from typing import Any

from .models import Era, PopulationFile, Posting, Specimen

BASE = "https://otiose.invalid/schema/"


def specimen_schema() -> dict[str, Any]:
    """The JSON Schema of ``specimens/<id>.yaml``."""
    return model_schema(Specimen, "specimen")


def posting_schema() -> dict[str, Any]:
    """The JSON Schema of a posting's front matter."""
    return model_schema(Posting, "posting")


def era_schema() -> dict[str, Any]:
    """The JSON Schema of ``eras/<era>/era.yaml``."""
    return model_schema(Era, "era")


def population_schema() -> dict[str, Any]:
    """The JSON Schema of ``population.yaml`` (today's and each era's)."""
    return model_schema(PopulationFile, "population")


def model_schema(model: Any, name: str) -> dict[str, Any]:
    """The JSON Schema of a model, under this project's ``$id``."""
    schema = model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE}{name}.json",
        **schema,
    }
