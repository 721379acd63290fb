"""Player characters: dealt from a seed, or built by hand for "what if" questions.

A seed is eight characters from ``SEED_ALPHABET``. Every draw is made from SHA-256 of the seed and
a label, so the same seed yields the same character on every machine and Python version.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from ..content import vocab
from . import population as pop

SEED_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
SEED_RE = re.compile(rf"\A[{SEED_ALPHABET}]{{8}}\Z")  # \Z: "$" would let "abcdefgh\n" in
SEED_RULE = "eight characters: lower-case letters but i, l and o, and digits 2 to 9"

FIRST_NAMES = {
    "female": [
        "Margaret",
        "Dolores",
        "Priya",
        "Ngozi",
        "Ingrid",
        "Lucia",
        "Mei",
        "Hannah",
        "Rosa",
        "Aisha",
        "Beatrice",
        "Yuki",
        "Carmen",
        "Eleanor",
        "Fatima",
        "Greta",
        "Imani",
        "Joanne",
    ],
    "male": [
        "Harold",
        "Tomás",
        "Kwame",
        "Dmitri",
        "Raj",
        "Walter",
        "Hiro",
        "Samuel",
        "Omar",
        "Bernard",
        "Chen",
        "Desmond",
        "Emil",
        "Felix",
        "Gustavo",
        "Isaac",
        "Jerome",
        "Luis",
    ],
    "nonbinary": [
        "Alex",
        "Jordan",
        "Sam",
        "Robin",
        "Casey",
        "Morgan",
        "Taylor",
        "Jamie",
        "Quinn",
        "Riley",
        "Avery",
        "Rowan",
        "Sasha",
        "Kai",
        "Emery",
        "Ash",
        "Jules",
        "Noor",
    ],
}
SURNAMES = [
    "Okafor",
    "Lindqvist",
    "Hernández",
    "Nakamura",
    "Brennan",
    "Kowalski",
    "Abernathy",
    "Mbeki",
    "Castellano",
    "Novak",
    "Whitfield",
    "Achterberg",
    "Delacroix",
    "Ferreira",
    "Goldberg",
    "Haddad",
    "Ivanova",
    "Jaramillo",
    "Kaur",
    "Larsen",
    "Moreau",
    "Nguyen",
    "O'Connell",
    "Petrov",
    "Quispe",
    "Rasmussen",
    "Sato",
    "Thibodeaux",
    "Umarov",
    "Vasquez",
    "Wojcik",
    "Yilmaz",
]
BACKSTORY = {
    "none": [
        "Has applied to 212 openings this quarter and files every rejection in a labeled binder.",
        "Was told to get experience, and is still looking for the job that gives it out.",
        "Wrote a cover letter so sincere that an applicant-tracking system flagged it as spam.",
        "Owns one interview suit, dry-cleaned so often it is now mostly lapel.",
        "Has done eleven unpaid skills assessments; one is now a rival firm's onboarding quiz.",
        "Was ghosted after a fifth interview by a firm whose values page puts transparency first.",
        "Learned from the first ad they read that entry-level means three years of experience.",
        "Has been asked to 'tell us about yourself' by four chatbots and one human, who was late.",
    ],
    "junior": [
        "Two years in, already fluent in saying 'circling back' without blinking.",
        "Survived one reorganization and three managers, none of whom learned their name.",
        "Keeps a folder called 'wins' for performance reviews; it holds one screenshot.",
        "Was promoted to 'Associate II', which came with a new email signature and no raise.",
        "Was given a mentor in week one; the mentor left in week three, and the invites continue.",
        "Holds a job title no recruiter can search for, invented by HR during a hiring freeze.",
        "Learned the real org chart from the seating plan of the holiday party.",
        "Was promised room to grow, and has grown into two departed colleagues' workloads.",
    ],
    "experienced": [
        "Has trained four managers, each of whom was later promoted above them.",
        "Knows where every spreadsheet is buried and has stopped telling anyone.",
        "Once fixed production at 2 a.m.; the postmortem credited 'the team'.",
        "Has a résumé that fits on one page only because the font is nine point.",
        "Has written the same process document for three employers, each of whom called it new.",
        "Was 'impacted' by a restructuring announced on a video call with every camera off.",
        "Has been interim lead twice, each time for longer than the permanent lead lasted.",
        "Can tell from a job ad's bullet points which vendor the company bought from last year.",
    ],
    "senior": [
        "Has outlasted five rebrands, two mergers and a ping-pong table.",
        "Remembers when the current 'transformation' was last tried, and what it was called then.",
        "Writes the onboarding guide that every new hire is told not to read.",
        "Was asked in an interview where they see themselves in five years: retired, they hoped.",
        "Has sat through three future-of-work offsites; the future has not arrived at any of them.",
        "Keeps the original plan for a system now called legacy, which still runs payroll.",
        "Was called overqualified by a hiring manager reading their résumé for the first time.",
        "Once approved a budget for a team that was disbanded before the purchase order cleared.",
    ],
}
CUSTOM_BACKSTORY = "A hypothetical applicant, assembled by hand to ask the machine 'what if'."

ATTRIBUTES = ("gender", "race", "age", "education", "experience", "union", "maritalStatus")


@dataclass(frozen=True)
class Portrait:
    """Drawing choices for the character's ID photo (rendered as SVG by the templates)."""

    hair: int  # 0-5 hairstyle
    glasses: bool
    collar: int  # 0-2: shirt, turtleneck, tie
    brow: int  # -2..2 eyebrow tilt
    mouth: int  # 0-2
    shade: int  # 0-3 background ink density
    height: int  # 60-75, the mugshot height chart


@dataclass(frozen=True)
class Character:
    """Someone applying for jobs. ``seed`` is None for a hand-built character."""

    name: str
    gender: str
    race: str
    age: int
    education: str
    experience: str
    union: bool
    maritalStatus: str
    backstory: str
    portrait: Portrait
    seed: str | None = None

    def attributes(self) -> dict[str, Any]:
        """The seven attributes the filters read, keyed as in the custom-character URL."""
        return {key: getattr(self, key) for key in ATTRIBUTES}

    @property
    def key(self) -> str:
        """The one key a run is stored under: the seed, or the hand-built attributes."""
        return self.seed if self.seed is not None else custom_key(self.query())

    def query(self) -> dict[str, str]:
        """The attributes as query parameters for ``/play/custom``."""
        return {
            k: (str(v).lower() if isinstance(v, bool) else str(v))
            for k, v in self.attributes().items()
        }


def custom_key(query: dict[str, str]) -> str:
    """The key of a hand-built applicant from its canonical query values."""
    return "custom:" + ":".join(query[a] for a in ATTRIBUTES)


def new_seed() -> str:
    """A fresh random seed."""
    return "".join(secrets.choice(SEED_ALPHABET) for _ in range(8))


def _u(seed: str, label: str) -> Fraction:
    """A uniform draw in [0, 1) from the seed, exact and platform-independent."""
    digest = hashlib.sha256(f"{seed}:{label}".encode()).digest()
    return Fraction(int.from_bytes(digest[:8], "big"), 2**64)


def _pick(seed: str, label: str, table: dict[Any, Fraction]) -> Any:
    u = _u(seed, label)
    total = Fraction(0)
    last = None
    for value, p in table.items():
        if p == 0:
            continue
        total += p
        last = value
        if u < total:
            return value
    return last  # pragma: no cover - only reachable if a table summed to less than one


def _index(seed: str, label: str, n: int) -> int:
    return int(_u(seed, label) * n)


def _name(key: str, gender: str) -> str:
    first = FIRST_NAMES[gender]
    return (
        f"{first[_index(key, 'first', len(first))]} {SURNAMES[_index(key, 'last', len(SURNAMES))]}"
    )


@lru_cache(maxsize=4096)
def deal(seed: str) -> Character:
    """The character for ``seed``: always the same one (so it is remembered)."""
    if not SEED_RE.match(seed):
        raise ValueError(f"not a seed: {seed!r}")
    bands = {i: share for i, (_, _, share) in enumerate(pop.AGE_BANDS)}
    band = _pick(seed, "band", bands)
    lo, hi, _ = pop.AGE_BANDS[band]
    age = lo + _index(seed, "age", hi - lo + 1)
    gender = _pick(seed, "gender", pop.GENDER)
    experience = _pick(seed, "experience", pop.EXPERIENCE_BY_BAND[band])
    name = _name(seed, gender)
    stories = BACKSTORY[experience]
    return Character(
        name=name,
        gender=gender,
        race=_pick(seed, "race", pop.RACE),
        age=age,
        education=_pick(seed, "education", pop.EDUCATION_BY_BAND[band]),
        experience=experience,
        union=_pick(seed, "union", pop.union_by_band(band)),
        maritalStatus=_pick(seed, "marital", pop.MARITAL_BY_BAND[band]),
        backstory=stories[_index(seed, "story", len(stories))],
        portrait=_portrait(seed),
        seed=seed,
    )


def _portrait(key: str) -> Portrait:
    return Portrait(
        hair=_index(key, "hair", 6),
        glasses=_index(key, "glasses", 3) == 0,
        collar=_index(key, "collar", 3),
        brow=_index(key, "brow", 5) - 2,
        mouth=_index(key, "mouth", 3),
        shade=_index(key, "shade", 4),
        height=60 + _index(key, "height", 16),
    )


class BadCharacter(ValueError):
    """A hand-built character with a missing or impossible attribute; the message says which."""


def build(params: dict[str, str]) -> Character:
    """A hand-built character from query parameters (all seven attributes, exact vocabulary)."""
    unknown = sorted(set(params) - set(ATTRIBUTES))
    if unknown:
        raise BadCharacter(f"unknown parameter '{unknown[0]}'; use {', '.join(ATTRIBUTES)}")
    missing = [a for a in ATTRIBUTES if a not in params]
    if missing:
        raise BadCharacter(
            f"missing parameter '{missing[0]}'; all of {', '.join(ATTRIBUTES)} are needed"
        )
    choices = {
        "gender": vocab.GENDERS,
        "race": vocab.RACES,
        "education": vocab.EDUCATION,
        "experience": vocab.EXPERIENCE,
        "maritalStatus": vocab.MARITAL,
        "union": ("true", "false"),
    }
    for key, allowed in choices.items():
        if params[key] not in allowed:
            raise BadCharacter(
                f"{key} must be one of {', '.join(allowed)}; got '{params[key][:40]}'"
            )
    age_text = params["age"]
    if not (age_text.isascii() and age_text.isdigit() and len(age_text) <= 3):
        raise BadCharacter(f"age must be a whole number from {vocab.MIN_AGE} to {vocab.MAX_AGE}")
    age = int(age_text)
    if not vocab.MIN_AGE <= age <= vocab.MAX_AGE:
        raise BadCharacter(f"age must be from {vocab.MIN_AGE} to {vocab.MAX_AGE}; got {age}")
    gender = params["gender"]
    key = custom_key({**params, "age": str(age)})  # "030" and "30" are one applicant
    return Character(
        name=_name(key, gender),
        gender=gender,
        race=params["race"],
        age=age,
        education=params["education"],
        experience=params["experience"],
        union=params["union"] == "true",
        maritalStatus=params["maritalStatus"],
        backstory=CUSTOM_BACKSTORY,
        portrait=_portrait(key),
        seed=None,
    )


def plausibility(c: Character) -> Fraction:
    """The weight of this exact combination of attributes in the population (0: impossible)."""
    band = pop.band_of(c.age)
    weight: Fraction = (
        pop.GENDER[c.gender]
        * pop.RACE[c.race]
        * pop.age_probability(c.age)
        * pop.EDUCATION_BY_BAND[band][c.education]
        * pop.EXPERIENCE_BY_BAND[band][c.experience]
        * pop.union_by_band(band)[c.union]
        * pop.MARITAL_BY_BAND[band][c.maritalStatus]
    )
    return weight
