"""Property-based tests: the loader and the HTTP surface under random input.

(a) Whatever lands in a content file (random YAML documents, valid files with random damage,
random text, random bytes), loading ends in a Library or a ContentError whose every problem names
a file that exists and a line inside it; never any other exception.

(b) Whatever a client sends to any route (random path segments, query strings, form bodies,
cookies and htmx headers), the app never answers 5xx, and every 4xx is the designed error page
(the fragment for htmx), or a JSON error under /api/.
"""

from __future__ import annotations

import copy
import string
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import yaml
from helpers import DEFAULT_FILTERS, ERA, POSTING, SPECIMEN, minimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeSerializer

from otiose.content import ContentError, Library, load_library, vocab
from otiose.content.library import SORTS
from otiose.content.load import TODAY_POPULATION
from otiose.content.models import Era, PopulationFile, Posting, Specimen
from otiose.game.character import ATTRIBUTES, SEED_ALPHABET
from otiose.web import create_app, state

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is never a fluke
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------- (a) the loader

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.text(max_size=40),
    st.sampled_from(["any", "TODO: x", "09:00", "25:99", "{name}", "{nope}", "USD", "data-and-ai"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=5),
    ),
    max_leaves=25,
)

SPECIMEN_DOC = yaml.safe_load(SPECIMEN.format(id="test-role", title="Test Role"))
ERA_DOC = yaml.safe_load(ERA.format())
POSTING_DOC = yaml.safe_load(
    POSTING.format(id="test-posting", era="test-era", filters=DEFAULT_FILTERS).split("---")[1]
)
POPULATION_DOC = yaml.safe_load(TODAY_POPULATION.read_text(encoding="utf-8"))
FIELD_NAMES = sorted(
    {*Specimen.model_fields, *Era.model_fields, *Posting.model_fields, *vocab.FILTER_KEYS}
    | {*PopulationFile.model_fields, "shares", "by_band", "ages", "share", "member", "source"}
    | {"titel", "summry", "market_avg", "percentage", "filter", "a[b]", "x.y", ""}
)


keys = st.text(alphabet="az[]()._-:* ", min_size=1, max_size=6)  # what pydantic's locs look like


def _containers(doc: Any, out: list) -> list:
    if isinstance(doc, dict):
        out.append(doc)
        for v in doc.values():
            _containers(v, out)
    elif isinstance(doc, list):
        out.append(doc)
        for v in doc:
            _containers(v, out)
    return out


@st.composite
def damaged(draw: Any, base: dict[str, Any]) -> dict[str, Any]:
    """A valid document with one to four random edits: replace, delete or add a value."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.one_of(st.just(doc), st.sampled_from(_containers(doc, []))))
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if isinstance(target, dict):
            if action == "add" or not target:
                key = draw(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8), keys))
                target[key] = draw(documents)
            elif action == "delete":
                del target[draw(st.sampled_from(sorted(target)))]
            else:
                target[draw(st.sampled_from(sorted(target)))] = draw(documents)
        else:
            if action == "add" or not target:
                target.append(draw(documents))
            elif action == "delete":
                del target[draw(st.integers(0, len(target) - 1))]
            else:
                target[draw(st.integers(0, len(target) - 1))] = draw(documents)
    return doc


def dump(doc: Any) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def check_load(root: Path) -> Library | ContentError:
    """Load; only a Library or a ContentError with well-placed problems may come out."""
    try:
        library = load_library(root)
    except ContentError as exc:
        assert exc.problems, "a ContentError must list at least one problem"
        for p in exc.problems:
            assert isinstance(p.path, str) and p.path, p
            assert isinstance(p.line, int) and p.line >= 1, p
            where = root / p.path
            assert where.exists(), f"{p}: names no file under the content root"
            if where.is_file():
                raw = where.read_bytes()
                lines = max(raw.count(b"\n"), len(raw.decode("utf-8", "replace").splitlines()), 1)
                assert p.line <= lines + 1, f"{p}: line beyond the end of a {lines}-line file"
        return exc
    assert isinstance(library, Library)
    return library


def in_tree(write: Any) -> Library | ContentError:
    with tempfile.TemporaryDirectory() as tmp:
        root = minimal(Path(tmp))
        write(root)
        return check_load(root)


kebab = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)


@SETTINGS
@given(doc=st.one_of(documents, damaged(SPECIMEN_DOC)), name=st.one_of(st.just("test-role"), kebab))
def test_loader_survives_random_specimen_documents(doc, name):
    def write(root: Path) -> None:
        (root / "specimens" / f"{name}.yaml").write_text(dump(doc), encoding="utf-8")

    in_tree(write)


@SETTINGS
@given(doc=st.one_of(documents, damaged(ERA_DOC)))
def test_loader_survives_random_era_documents(doc):
    in_tree(lambda root: (root / "eras" / "test-era" / "era.yaml").write_text(dump(doc), "utf-8"))


@SETTINGS
@given(doc=st.one_of(documents, damaged(POPULATION_DOC)))
def test_loader_survives_random_population_documents(doc):
    in_tree(
        lambda root: (root / "eras" / "test-era" / "population.yaml").write_text(dump(doc), "utf-8")
    )


@SETTINGS
@given(
    front=st.one_of(documents, damaged(POSTING_DOC)),
    body=st.text(max_size=200),
    name=st.one_of(st.just("test-posting"), kebab),
)
def test_loader_survives_random_postings(front, body, name):
    text = f"---\n{dump(front)}---\n{body}"
    in_tree(lambda root: (root / "eras" / "test-era" / f"{name}.md").write_text(text, "utf-8"))


@SETTINGS
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: t.encode("utf-8")),
        st.text(alphabet="-:[]{}&*!|>'\"#%@`,? \n\t\r\ufeffab1", max_size=120).map(str.encode),
        st.sampled_from([b"", b"---", b"---\n", b"\xef\xbb\xbf---\n---\n", b"---\n---\n"]),
    ),
    target=st.sampled_from(
        [
            "specimens/test-role.yaml",
            "eras/test-era/era.yaml",
            "eras/test-era/test-posting.md",
            "eras/test-era/population.yaml",
        ]
    ),
)
def test_loader_survives_random_text_and_bytes(content, target):
    result = in_tree(lambda root: (root / target).write_bytes(content))
    # nothing random is a valid file, and the problems are all in the file that was damaged
    assert isinstance(result, ContentError)
    assert {p.path for p in result.problems} == {target}


def test_loader_survives_known_nasties(tmp_path):
    """Fixed cases the strategies reach only rarely."""
    cases = {
        "specimens/test-role.yaml": [
            "[" * 5000,
            "[" * 1000 + "]" * 1000,
            "{a: " * 500 + "1" + "}" * 500,
            "a: " + "[" * 100 + "]" * 100,
            "- " * 200 + "x",
            "id: !!python/object/apply:os.system ['true']\n",
            "&a [*a, *a]\n",
            "a: b\n\tc: d\n",
            "x" * (300 * 1024),
            '"a[b]": 1\n',
            "%YAML 1.1\n---\nid: x\n",
            "--- a\n--- b\n",
        ],
        "eras/test-era/test-posting.md": [
            "---\n",
            "---\n" + "a: b\n" * 3,
            "---\n[\n---\nbody",
            "---\nfilters: {gender: [male, male]}\n---\n",
            "---\npostedDate: '\x00'\n---\n",
        ],
    }
    for target, texts in cases.items():
        for i, text in enumerate(texts):
            root = tmp_path / f"{i}-{Path(target).name}"
            minimal(root)
            (root / target).write_text(text, encoding="utf-8")
            assert isinstance(check_load(root), ContentError), (target, text[:40])


# ---------------------------------------------------------------- (b) HTTP

SEED = "abcdefgh"


@pytest.fixture(scope="module")
def fuzz_app():
    return create_app({"TESTING": True, "SECRET_KEY": "fuzz-secret"})


@pytest.fixture(scope="module")
def known(fuzz_app) -> dict[str, list[str]]:
    library = state.library(fuzz_app)
    return {
        "specimens": list(library.specimens)[:5],
        "postings": list(library.postings)[:5],
        "eras": [e.id for e in library.eras][:3],
    }


printable = st.text(alphabet=string.printable.strip() + " ", max_size=60)
unicode_text = st.text(max_size=60)
long_text = st.builds(
    lambda c, n: (c or "a") * n, st.text(min_size=1, max_size=3), st.integers(1000, 10_000)
)
cookies = st.builds(lambda c, n: c * n, st.sampled_from("aZ09-_.~"), st.integers(100, 3800))
raw_percent = st.text(alphabet="%0123456789abcdefABCDEFzZ-._~é", min_size=1, max_size=40)


def segments(known_ids: list[str]) -> st.SearchStrategy[str]:
    """A path segment, already percent-encoded where needed (raw %-sequences pass through)."""
    return st.one_of(
        st.sampled_from(known_ids) if known_ids else st.nothing(),
        unicode_text.filter(bool).map(lambda s: quote(s, safe="")),
        long_text.map(lambda s: quote(s[:10_000], safe="")),
        raw_percent,
        st.sampled_from(["%2F", "..", "%2e%2e", "%00", "%FF", "a%2Fb", "x.json", "%E2%80%A8"]),
        st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True),
    )


numbers = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=4),
    st.one_of(st.integers(1, 20), st.integers(4000, 6000)).map(lambda n: "9" * n),
)
values = st.one_of(printable, unicode_text, long_text, numbers)


def queries(keys: list[str], value_pool: dict[str, list[str]] | None = None) -> Any:
    """A query string: some known keys with known or random values, some random keys."""
    pool = value_pool or {}
    known_value = {
        k: st.one_of(st.sampled_from(pool[k]), values) if k in pool else values for k in keys
    }
    return st.one_of(
        st.fixed_dictionaries({}, optional=known_value).map(urlencode),
        st.dictionaries(st.one_of(st.sampled_from(keys), printable), values, max_size=4).map(
            urlencode
        ),
        st.text(alphabet="&=%;+?#abc0129é\u2028", max_size=60),
    )


CUSTOM_VALUES = {
    "gender": list(vocab.GENDERS),
    "race": list(vocab.RACES),
    "age": ["18", "30", "70", "17", "71", "030", "3e1", "²", "٣٠"],
    "education": list(vocab.EDUCATION),
    "experience": list(vocab.EXPERIENCE),
    "union": ["true", "false", "True", "1"],
    "maritalStatus": list(vocab.MARITAL),
}
SPECIMEN_VALUES = {
    "family": [f.id for f in vocab.families()],
    "sort": list(SORTS),
    "page": ["1", "2", "0", "-1", "100001"],
    "q": ["scrum", "ml engineer", "<script>"],
}

headers = st.fixed_dictionaries(
    {},
    optional={
        "HX-Request": st.sampled_from(["true", "false", "", "TRUE", "1"]),
        "HX-Target": st.one_of(st.sampled_from(["results", "tally", "posting-x"]), printable),
        "HX-Current-URL": printable,
        "HX-Trigger": printable,
        "Origin": st.sampled_from(["http://localhost", "null", "https://evil.example"]),
    },
)


def form_bodies(posting_ids: list[str]) -> Any:
    return st.one_of(
        st.dictionaries(
            st.one_of(st.just("posting"), printable),
            st.one_of(st.sampled_from(posting_ids), values),
            max_size=4,
        ),
        st.binary(max_size=400),
    )


CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "text/plain",
    "application/json",
]


ROUTE_GROUPS = {
    "taxonomy": ["home", "index", "index", "record", "json", "random"],
    "timeline": ["era", "posting", "api", "static_pages"],
    "game": ["board", "custom", "report", "custom_report"],
    "posts": ["apply", "custom_apply", "any_method"],
}


@st.composite
def http_requests(draw: Any, known: dict[str, list[str]], kinds: list[str]) -> dict[str, Any]:
    seed = st.one_of(st.text(alphabet=SEED_ALPHABET, min_size=8, max_size=8), segments([SEED]))
    kind = draw(st.sampled_from(kinds))
    method, query, form = "GET", draw(queries(["q", "x"])), None
    if kind == "home":
        path = "/"
    elif kind == "index":
        path = "/specimens/"
        query = draw(queries(["q", "family", "sort", "page"], SPECIMEN_VALUES))
    elif kind == "record":
        path = "/specimens/" + draw(segments(known["specimens"]))
    elif kind == "json":
        path = "/specimens/" + draw(segments(known["specimens"])) + ".json"
    elif kind == "random":
        path = "/random"
    elif kind == "era":
        path = "/eras/" + draw(segments(known["eras"]))
    elif kind == "posting":
        path = "/postings/" + draw(segments(known["postings"]))
    elif kind == "api":
        path = "/api/postings/" + draw(segments(known["postings"]))
    elif kind == "board":
        path = "/play/" + draw(seed)
    elif kind == "custom":
        path = "/play/custom"
        query = draw(queries([*ATTRIBUTES, "run"], CUSTOM_VALUES))
    elif kind in ("apply", "custom_apply"):
        method = "POST"
        if kind == "apply":
            path = f"/play/{draw(seed)}/apply"
        else:
            path = "/play/custom/apply"
            query = draw(queries(list(ATTRIBUTES), CUSTOM_VALUES))
        form = draw(form_bodies(known["postings"]))
    elif kind in ("report", "custom_report"):
        path = f"/play/{draw(seed)}/report" if kind == "report" else "/play/custom/report"
        run = draw(
            st.one_of(
                values,
                st.just(URLSafeSerializer("fuzz-secret", salt="otiose-run").dumps([SEED, []])),
                st.just(URLSafeSerializer("other", salt="otiose-run").dumps([SEED, ["x"]])),
            )
        )
        extra = draw(queries(list(ATTRIBUTES), CUSTOM_VALUES)) if kind == "custom_report" else ""
        query = urlencode({"run": run}) + ("&" + extra if extra else "")
    elif kind == "static_pages":
        path = draw(st.sampled_from(["/declassified", "/about", "/healthz", "/eras/", "/play"]))
    else:
        method = draw(st.sampled_from(["POST", "PUT", "DELETE", "PATCH"]))
        path = draw(st.sampled_from(["/", "/specimens/", "/about", "/api/postings/", "/healthz"]))
    return {
        "method": method,
        "path": path,
        "query": query,
        "form": form,
        "content_type": draw(st.sampled_from(CONTENT_TYPES)) if isinstance(form, bytes) else None,
        "headers": draw(headers),
        "cookie": draw(st.one_of(st.none(), printable, cookies)),
    }


def assert_designed(response: Any, req: dict[str, Any]) -> None:
    status = response.status_code
    where = f"{req['method']} {req['path'][:200]}?{req['query'][:200]} -> {status}"
    assert status < 500, where + "\n" + response.get_data(as_text=True)[:2000]
    if status < 400:
        return
    if req["path"].startswith("/api/") or req["path"].endswith(".json"):
        assert response.is_json and "error" in response.get_json(), where
        return
    body = response.get_data(as_text=True)
    assert "error-sheet" in body, where
    if req["headers"].get("HX-Request") == "true":
        assert "<html" not in body, where + ": htmx should get the fragment"
    else:
        assert "<html" in body, where + ": a browser should get the whole page"


def send(app: Any, req: dict[str, Any]) -> Any:
    client = app.test_client()
    if req["cookie"] is not None:
        client.set_cookie("session", req["cookie"])
    url = req["path"] + ("?" + req["query"] if req["query"] else "")
    kwargs: dict[str, Any] = {"headers": req["headers"]}
    if req["form"] is not None:
        kwargs["data"] = req["form"]
        if req["content_type"]:
            kwargs["content_type"] = req["content_type"]
    return client.open(url, method=req["method"], **kwargs)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
@pytest.mark.parametrize("group", list(ROUTE_GROUPS))
def test_http_fuzz_never_5xx_and_errors_are_designed(fuzz_app, known, group, data):
    req = data.draw(http_requests(known, ROUTE_GROUPS[group]))
    assert_designed(send(fuzz_app, req), req)


def _maybe(strategy: Any) -> Any:
    return st.one_of(st.none(), strategy)


@SETTINGS
@given(
    q=_maybe(values),
    family=_maybe(st.one_of(st.sampled_from(SPECIMEN_VALUES["family"]), values)),
    sort=_maybe(st.one_of(st.sampled_from(SPECIMEN_VALUES["sort"]), values)),
    page=_maybe(st.one_of(numbers, values)),
    hx=headers,
)
def test_taxonomy_query_fuzz(fuzz_app, q, family, sort, page, hx):
    args = {
        k: v for k, v in dict(q=q, family=family, sort=sort, page=page).items() if v is not None
    }
    req = {"method": "GET", "path": "/specimens/", "query": urlencode(args), "headers": hx}
    assert_designed(fuzz_app.test_client().get("/specimens/", query_string=args, headers=hx), req)


@SETTINGS
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            k: st.one_of(st.sampled_from(v), numbers if k == "age" else values)
            for k, v in CUSTOM_VALUES.items()
        },
    ),
    extra=st.dictionaries(printable, values, max_size=2),
    hx=headers,
    posting=st.one_of(st.sampled_from(["postwar-stewardess", "new-deal-wing-riveter"]), values),
)
def test_custom_character_fuzz(fuzz_app, params, extra, hx, posting):
    args = {**params, **extra}
    client = fuzz_app.test_client()
    for method, path in (("GET", "/play/custom"), ("POST", "/play/custom/apply")):
        req = {"method": method, "path": path, "query": urlencode(args), "headers": hx}
        data = {"posting": posting} if method == "POST" else None
        r = client.open(path, method=method, query_string=args, data=data, headers=hx)
        assert_designed(r, req)


@pytest.mark.parametrize(
    "path",
    [
        "/specimens/?page=%C2%B2",  # "²".isdigit() is true, int("²") is not
        "/specimens/?page=" + "9" * 5000,  # int() refuses more than 4300 digits
        "/specimens/?page=%D9%A1",
        "/specimens/" + "a" * 10_000,
        "/api/postings/a%2Fb",
        "/play/custom?" + urlencode({**dict.fromkeys(ATTRIBUTES, "x"), "age": "²"}),
    ],
)
def test_http_known_nasties(fuzz_app, path):
    for hx in ({}, {"HX-Request": "true"}):
        req = {"method": "GET", "path": path.split("?")[0], "query": "", "headers": hx}
        r = fuzz_app.test_client().get(path, headers=hx)
        assert 400 <= r.status_code < 500, path
        assert_designed(r, req)
