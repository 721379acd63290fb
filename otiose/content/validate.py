"""Turn pydantic's validation errors into ``path:line: message`` problems to act on."""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .yamlsafe import Loc, Located

# A value written as one of the words YAML reads as null (the line of a key or an item).
_NULL = re.compile(r"(?:^|:|-)\s*(null|Null|NULL|~)\s*(?:#.*)?$")

_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
}


def dotted(loc: Loc) -> str:
    """``("jd_autopsy", 2, "illusion")`` -> ``jd_autopsy[2].illusion``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def describe(value: Any) -> str:
    """A short, quoted description of a YAML value for messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def problems_from(
    exc: ValidationError, model: type[BaseModel], located: Located, display: str
) -> list[Problem]:
    """One problem per pydantic error, each with the line of the offending key."""
    out: list[Problem] = []
    missing: dict[int, Loc] = {}  # index in out -> the key a missing-key problem is about
    # keys whose absence an unknown key already explains (a misspelling, a wrong indent): the
    # writer made one slip, so the checker reports one problem, at the line they must change
    explained: set[Loc] = set()
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"], located.data)
        kind = err["type"]
        name = dotted(loc)
        line = located.line(loc)
        if kind == "missing":
            msg = f"missing required key '{name}'"
            if choices := choices_at(model, loc):
                msg += f"; it takes one of: {', '.join(map(str, choices))}"
            missing[len(out)] = loc
            out.append(Problem(display, line, msg, "OT010"))
        elif kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = fields_at(model, loc[:-1])
            hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if not hint and (home := _indented_too_far(model, loc)) is not None:
                explained.add((*home, key))
                out.append(Problem(display, line, _too_far_message(loc, home), "OT011"))
                continue
            if hint:
                explained.add((*loc[:-1], hint[0]))
            msg = f"unknown key '{name}'"
            msg += f" (did you mean '{hint[0]}'?)" if hint else f"; allowed: {', '.join(allowed)}"
            out.append(Problem(display, line, msg, "OT011"))
        elif kind in _TYPE_NAMES:
            got = describe(err.get("input"))
            msg = f"'{name}' should be {_TYPE_NAMES[kind]}, not {got}"
            if kind == "int_type" and isinstance(err.get("input"), str):
                msg += _number_hint(err["input"])
            if kind == "string_type" and type(err.get("input")) is bool:  # yes, no, on, off
                msg += " (YAML read it as true/false: put it in quotes)"
            elif kind == "string_type" and type(err.get("input")) in (int, float):
                msg += " (YAML read it as a number: put it in quotes)"
            if kind == "string_type" and err.get("input") is None:
                msg = f"'{name}' is empty; write some text or remove the key"
                if word := _NULL.search(located.source(line)):
                    msg = (
                        f"'{name}' is empty: YAML reads {word.group(1)} as nothing; write some "
                        "text, in quotes if it is that word"
                    )
            out.append(Problem(display, line, msg, "OT012"))
        else:
            msg = f"'{name}': {_message(dict(err))}"
            if type(err.get("input")) is bool:  # yes, no, on, off where a word was meant
                msg += " (YAML read it as true/false: put it in quotes)"
            out.append(Problem(display, line, msg, "OT013"))
    return [p for i, p in enumerate(out) if missing.get(i) not in explained]


def _number_hint(text: str) -> str:
    """What to write instead of a whole number given as text: '125,000', '$125000', '"74"'."""
    if text.strip().isdigit():
        return " (write the number without quotes)"
    digits = re.sub(r"[\s,_$€£¥]", "", text)
    if digits.isdigit():
        return f" (write it as {digits}: digits only, with no commas, spaces or currency signs)"
    return ""


def _indented_too_far(model: type[BaseModel], loc: Loc) -> Loc | None:
    """The mapping an unknown key really belongs to, when it is a key of an enclosing one that
    sits indented under a neighbour (``flight_risk`` under ``salary``); None if it is not."""
    key = str(loc[-1])
    for depth in range(len(loc) - 2, -1, -1):
        if isinstance(loc[depth], str) and key in fields_at(model, loc[:depth]):
            return loc[:depth]
    return None


def _too_far_message(loc: Loc, home: Loc) -> str:
    key, neighbour = str(loc[-1]), str(loc[len(home)])
    where = f"'{dotted(home)}'" if home else "the top level"
    return (
        f"'{key}' is indented under '{neighbour}', but it is a key of {where}: take it back to "
        f"the same column as '{neighbour}'"
    )


def _clean_loc(loc: tuple[str | int, ...], data: Any) -> Loc:
    """Drop pydantic's own steps (like ``function-plain[check()]``) but never a key that is
    really in the file, even one that holds a ``[``."""
    out: list[str | int] = []
    for part in loc:
        in_dict = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_dict or in_list) and isinstance(part, str) and "[" in part:
            continue
        data = data[part] if in_dict or in_list else None
        out.append(part)
    return tuple(out)


def _message(err: dict[str, Any]) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        if "[a-z0-9]" in str(ctx.get("pattern", "")):
            return f"{describe(err['input'])} must be lowercase-kebab, like 'scrum-master'"
        return f'{describe(err["input"])} must look like "09:30" (24-hour, quoted)'
    if kind == "literal_error":
        msg = f"{describe(err['input'])} is not allowed"
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = difflib.get_close_matches(str(err["input"]), choices, n=1, cutoff=0.6)
        if hint:
            msg += f" (did you mean '{hint[0]}'?)"
        return f"{msg}; expected {ctx.get('expected')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must have at most {ctx.get('max_length')} characters; it has {len(err['input']):,}"
    if kind == "too_long":
        return str(err["msg"]).replace("List should", "must")
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    return str(err["msg"]).replace("Input should be", "must be")


def fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys allowed at ``loc`` inside ``model`` (for did-you-mean hints)."""
    current = _model_at(model, loc)
    return [] if current is None else _fields(current)


def choices_at(model: type[BaseModel], loc: Loc) -> tuple[Any, ...]:
    """The values a ``Literal`` key at ``loc`` allows (empty for any other key)."""
    parent = _model_at(model, loc[:-1])
    field = parent.model_fields.get(str(loc[-1])) if parent is not None and loc else None
    if field is None or typing.get_origin(field.annotation) is not typing.Literal:
        return ()
    return typing.get_args(field.annotation)


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model that holds the keys at ``loc`` (list indexes skipped), or None off the schema."""
    current: type[BaseModel] = model
    for part in loc:
        if isinstance(part, int):
            continue
        sub = _model_of(current.model_fields[part].annotation) if part in _fields(current) else None
        if sub is None:
            return None
        current = sub
    return current


def _fields(model: Any) -> list[str]:
    return list(getattr(model, "model_fields", {}))


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """Find the BaseModel inside ``X``, ``list[X]``, ``X | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None
