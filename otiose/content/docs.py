"""Generated documentation: the field reference and the checker's rules, for CONTRIBUTING.md."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .models import Era, Filters, PopulationFile, Posting, Specimen
from .rules import RULES

MARKERS: dict[str, Callable[[], str]] = {
    "field-reference": lambda: field_reference(),
    "rules": lambda: rules_table(),
}


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        ref: dict[str, Any] = defs[node["$ref"].rsplit("/", 1)[1]]
        return ref
    options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1 and "description" not in options[0]:
        return {**_resolve(options[0], defs), **{k: v for k, v in node.items() if k != "anyOf"}}
    return node


def _describe(node: dict[str, Any], defs: dict[str, Any]) -> str:
    node = _resolve(node, defs)
    if "enum" in node:
        return "one of: " + ", ".join(f"`{v}`" for v in node["enum"])
    if "const" in node:
        return f"`{node['const']}`"
    kind = node.get("type")
    if kind == "array":
        item = _resolve(node.get("items", {}), defs)
        return "list of mappings" if item.get("type") == "object" else "list of text"
    if kind == "object":
        return "mapping"
    if "anyOf" in node:
        return " or ".join(_describe(o, defs) for o in node["anyOf"])
    names = {"string": "text", "integer": "whole number", "boolean": "true/false"}
    return names.get(str(kind), "value")


def _limits(node: dict[str, Any]) -> str:
    names = {
        "minimum": "min",
        "maximum": "max",
        "minLength": "min length",
        "maxLength": "max length",
        "minItems": "min items",
        "maxItems": "max items",
    }
    found = [
        f"{label} {node[key]}"
        for key, label in names.items()
        if key in node and not (key == "minLength" and node[key] == 1)
    ]
    if "pattern" in node:
        found.append("pattern `" + node["pattern"].replace("|", "\\|") + "`")
    return f" ({', '.join(found)})" if found else ""


def _rows(schema: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> list[str]:
    rows = []
    required = set(schema.get("required", []))
    for name, raw in schema.get("properties", {}).items():
        node = _resolve(raw, defs)
        key = f"{prefix}{name}"
        desc = (raw.get("description") or node.get("description") or "").replace("|", "\\|")
        yes = "yes" if name in required else "no"
        rows.append(f"| `{key}` | {_describe(raw, defs)} | {yes} | {desc}{_limits(node)} |")
        if node.get("type") == "object" and name != "filters":
            rows.extend(_rows(node, defs, f"{key}."))
        elif node.get("type") == "array":
            item = _resolve(node.get("items", {}), defs)
            if item.get("type") == "object":
                rows.extend(_rows(item, defs, f"{key}[]."))
    return rows


def field_reference() -> str:
    """Markdown tables of every key of every content format, generated from the models."""
    parts = []
    for title, model in (
        ("Specimen (`specimens/<id>.yaml`)", Specimen),
        ("Posting front matter (`eras/<era>/<id>.md`)", Posting),
        ("Posting `filters`", Filters),
        ("Era (`eras/<era>/era.yaml`)", Era),
        (
            "Population (`eras/<era>/population.yaml`, `otiose/data/population.yaml`)",
            PopulationFile,
        ),
    ):
        schema = model.model_json_schema()
        header = ["| key | type | required | notes |", "|---|---|---|---|"]
        rows = _rows(schema, schema.get("$defs", {}))
        parts.append(f"#### {title}\n\n" + "\n".join(header + rows))
    return "\n\n".join(parts)


def rules_table() -> str:
    """The checker's rule codes as a Markdown table."""
    lines = ["| code | kind | what it means |", "|---|---|---|"]
    lines += [f"| `{r.code}` | {r.severity} | {r.summary} |" for r in RULES.values()]
    return "\n".join(lines)


def _between(body: str) -> Callable[[re.Match[str]], str]:
    """A substitution that keeps the start and end markers and puts ``body`` between them."""
    return lambda m: f"{m.group(1)}{body}\n{m.group(2)}"


def fill(text: str) -> str:
    """Replace the content between each ``<!-- name:start -->``/``<!-- name:end -->`` pair."""
    for name, make in MARKERS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        text = pattern.sub(_between(make()), text)
    return text
