"""The audit desk over HTTP: /api/audit against the posting API, 400s that name the parameter,
the page and its htmx fragment, the posting download, the law page and the one-line partial."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

import pytest
from flask import render_template
from htmldoc import Node, parse

from otiose.audit.posting import posting_text
from otiose.content import vocab
from otiose.content.models import Filters
from otiose.game import rules
from otiose.web import state


def query_for(filters: dict) -> list[tuple[str, str]]:
    """A posting's filters as the desk's query: a list is the key repeated."""
    pairs = []
    for key in vocab.FILTER_KEYS:
        value = filters[key]
        if isinstance(value, list):
            name = f"{key}[]" if len(value) == 1 else key  # ["none"] is not "none or higher"
            pairs += [(name, v) for v in value]
        elif isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        else:
            pairs.append((key, str(value)))
    return pairs


def test_api_odds_equal_the_posting_apis_for_every_posting(client, app):
    """Today's population against ``odds``; an era's, where the desk offers it, ``era_odds``."""
    from otiose.web.audit import _populations

    postings = state.library(app).postings
    assert len(postings) >= 10
    with app.app_context():
        offered = set(_populations())
    assert "today" in offered
    compared = 0
    for pid in postings:
        posting = client.get(f"/api/postings/{pid}").get_json()
        for population, key in (("today", "odds"), (posting["era"]["id"], "era_odds")):
            if population not in offered:
                continue
            query = [*query_for(posting["filters"]), ("population", population)]
            audit = client.get("/api/audit?" + urlencode(query))
            assert audit.status_code == 200, audit.get_json()
            assert audit.get_json()["odds"] == posting[key], (pid, population)
            compared += 1
    assert compared >= len(postings)


def test_api_shape_and_defaults(client):
    body = client.get("/api/audit").get_json()
    assert body["odds"] == 1 and body["law"] == []
    assert body["jurisdiction"] == "us" and body["population"] == "today"
    assert body["date"] == date.today().isoformat()
    kinds = [g["attribute"] for g in body["groups"]]
    assert kinds.count("gender") == 3 and kinds.count("race") == 6
    assert kinds.count("age_group") == 2 and kinds.count("gender_race") == 18
    for g in body["groups"]:
        assert set(g) >= {"attribute", "value", "selection_rate", "impact_ratio", "flagged"}
        assert g["selection_rate"] == 1 and g["impact_ratio"] == 1 and g["flagged"] is False


def test_men_under_40_no_union_card_1966_united_states(client):
    url = "/api/audit?gender=male&maxAge=39&union=false&date=1966-06-01&jurisdiction=us"
    body = client.get(url).get_json()
    groups = {(g["attribute"], g["value"]): g for g in body["groups"]}
    for value in ("female", "nonbinary"):
        assert groups[("gender", value)]["selection_rate"] == 0
        assert groups[("gender", value)]["flagged"] is True
    law = {r["filter"]: r for r in body["law"]}
    assert law["union"]["lawful"] is False and law["union"]["in_force"] == "1935-07-05"
    assert law["gender"]["lawful"] is False and law["gender"]["in_force"] == "1965-07-02"
    assert "Title VII" in law["gender"]["citation"]
    assert law["maxAge"]["lawful"] is True
    exclusion = {e["filter"]: e for e in body["exclusion"]}
    assert exclusion["union"]["turns_away"] == ["union members"]
    assert "women" in exclusion["gender"]["turns_away"]
    page = client.get(url.replace("/api/audit", "/audit")).get_data(as_text=True)
    assert "union members" in page and "Unlawful" in page and "Wagner Act" in page


@pytest.mark.parametrize(
    "query,param",
    [
        ("gender=mail", "gender"),
        ("race=any&race=white", "race"),
        ("race=white&race=white", "race"),
        ("education=phd", "education"),
        ("maritalStatus=", "maritalStatus"),
        ("minAge=abc", "minAge"),
        ("minAge=10", "minAge"),
        ("maxAge=99", "maxAge"),
        ("maxAge=%C2%B2", "maxAge"),
        ("minAge=50&maxAge=40", "minAge"),
        ("minAge=20&minAge=30", "minAge"),
        ("union=maybe", "union"),
        ("date=1966-13-01", "date"),
        ("date=19660601", "date"),
        ("date=1066-10-14", "date"),
        ("date=1966-06-01&date=1967-06-01", "date"),
        ("jurisdiction=fr", "jurisdiction"),
        ("population=mars", "population"),
        ("colour=red", "colour"),
        ("minAge[]=30", "minAge[]"),
        ("experience[]=any&experience=none", "experience"),
    ],
)
def test_bad_parameters_get_a_400_naming_them(client, query, param):
    response = client.get(f"/api/audit?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == param and body["error"].startswith(f"{param}: ")
    download = client.get(f"/audit/posting.md?{query}")
    assert download.status_code == 400 and download.get_json()["parameter"] == param
    page = client.get(f"/audit?{query}")
    assert page.status_code == 400
    assert f"<strong>{param}</strong>" in page.get_data(as_text=True)


def form_state(doc: Node) -> dict[str, list[str]]:
    """What the desk's form would send as it stands: ticked boxes, chosen options, field values."""
    state: dict[str, list[str]] = {}
    form = doc.find("form", cls="desk")
    for node in form.iter():
        name = node.attrs.get("name")
        if not name:
            continue
        if node.tag == "input" and node.attrs.get("type") in ("checkbox", "radio"):
            if "checked" in node.attrs:
                state.setdefault(name, []).append(node.attrs["value"])
        elif node.tag == "input":
            state.setdefault(name, []).append(node.attrs.get("value", ""))
        elif node.tag == "select":
            chosen = [o.attrs["value"] for o in node.find_all("option") if "selected" in o.attrs]
            state.setdefault(name, []).extend(chosen)
    return state


def marked(doc: Node, name: str) -> list[str]:
    """The messages that each control named ``name`` points at, asserting it is marked invalid."""
    controls = [n for n in doc.find("form", cls="desk").iter() if n.attrs.get("name") == name]
    assert controls, name
    messages = []
    for control in controls:
        assert control.attrs.get("aria-invalid") == "true", (name, control.attrs)
        ids = control.attrs.get("aria-describedby", "").split()
        texts = [doc.find(id=i).text for i in ids]
        assert any(texts), (name, ids)
        messages.append(" ".join(t for t in texts if t))
    return messages


def unmarked(doc: Node, name: str) -> None:
    for n in doc.find("form", cls="desk").iter():
        if n.attrs.get("name") == name:
            assert "aria-invalid" not in n.attrs, (name, n.attrs)
            assert not any(doc.find(id=i).text for i in n.attrs.get("aria-describedby", "").split())


def test_a_bad_value_loses_nothing_the_reader_sent(client):
    """The 400 page's form holds every value as sent, the bad one included, and marks it."""
    sent = [
        ("gender", "male"),
        ("race", "black"),
        ("race", "asian"),
        ("minAge", "30"),
        ("maxAge", "abc"),
        ("education", "bachelor"),
        ("experience[]", "none"),
        ("union", "false"),
        ("date", "1966-06-01"),
        ("jurisdiction", "uk"),
    ]
    response = client.get("/audit?" + urlencode(sent))
    assert response.status_code == 400
    doc = parse(response.data)
    state = form_state(doc)
    for key in {k for k, _ in sent}:
        assert state[key] == [v for k, v in sent if k == key], key
    assert state["maritalStatus"] == list(rules.CHOICES["maritalStatus"])  # none sent: no limit
    assert state["population"] == ["today"]
    [message] = marked(doc, "maxAge")
    assert "whole number" in message
    for name in ("minAge", "gender", "race", "date", "jurisdiction"):
        unmarked(doc, name)
    summary = doc.find(cls="audit__error")
    assert summary.attrs["role"] == "alert" and "maxAge" in summary.text
    assert "whole number" in summary.text


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true", "HX-Target": "audit-results"}])
def test_a_query_the_desk_cannot_read_gets_no_audit_of_something_else(client, headers):
    """With a bad field the desk shows no results: an audit of no filters, today, under US law
    sat under the error, though the reader asked about Great Britain in 1966."""
    response = client.get(
        "/audit?maxAge=abc&date=1966-06-01&jurisdiction=uk&gender=male", headers=headers
    )
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "maxAge" in html
    assert "The audit appears here once every field reads" in html
    for shown in ("Gets through", "Link to this audit", "The law on", "jurisdiction=us"):
        assert shown not in html, shown


def test_every_bad_parameter_is_named_and_marked(client):
    sent = "minAge=abc&date=1066-10-14&jurisdiction=fr&union=maybe&race=martian&gender=male"
    response = client.get(f"/audit?{sent}")
    assert response.status_code == 400
    doc = parse(response.data)
    state = form_state(doc)
    assert state["minAge"] == ["abc"] and state["date"] == ["1066-10-14"]
    assert state["jurisdiction"] == ["fr"] and state["gender"] == ["male"]
    assert "whole number" in marked(doc, "minAge")[0]
    assert "between 1800 and 2100" in marked(doc, "date")[0]
    assert "use one of" in marked(doc, "jurisdiction")[0]
    assert all("true (members only)" in m for m in marked(doc, "union"))
    assert all("'martian'" in m for m in marked(doc, "race"))
    unmarked(doc, "gender")
    summary = doc.find(cls="audit__error").text
    for param in ("minAge", "date", "jurisdiction", "union", "race"):
        assert param in summary, param
    assert client.get(f"/api/audit?{sent}").get_json()["parameter"] == "race"  # the first


def test_a_value_no_box_offers_is_shown_as_sent_ticked_and_marked(client):
    """A box of its own holds an unknown value, ticked, beside the others: untick it to drop it."""
    sent = "race=black&race=martian&race=venusian&gender=male&maxAge=abc"
    response = client.get(f"/audit?{sent}")
    assert response.status_code == 400
    doc = parse(response.data)
    state = form_state(doc)
    assert state["race"] == ["black", "martian", "venusian"]  # as sent, in order
    assert state["gender"] == ["male"] and state["maxAge"] == ["abc"]
    [fieldset] = [
        f for f in doc.find_all("fieldset") if any(n.attrs.get("name") == "race" for n in f.iter())
    ]
    labels = {
        box.attrs["value"]: (label, box)
        for label in fieldset.find_all("label")
        for box in label.find_all("input")
    }
    assert list(labels) == [*rules.CHOICES["race"], "martian", "venusian"]
    for value in ("martian", "venusian"):
        label, box = labels[value]
        assert box.attrs["type"] == "checkbox" and "checked" in box.attrs
        assert box.attrs["aria-invalid"] == "true"
        assert box.attrs["aria-describedby"] == "error-race"
        assert label.text == f"{value} (not a choice)"
    assert "'martian'" in fieldset.find(id="error-race").text  # the message beside them
    assert all("'martian'" in m for m in marked(doc, "race"))
    unmarked(doc, "gender")
    assert "not a choice" not in client.get("/audit?race=black&race=asian").get_data(as_text=True)


def test_min_age_over_max_age_keeps_both(client):
    doc = parse(client.get("/audit?minAge=50&maxAge=40&gender=female").data)
    state = form_state(doc)
    assert state["minAge"] == ["50"] and state["maxAge"] == ["40"]
    assert state["gender"] == ["female"]
    assert "greater than maxAge" in marked(doc, "minAge")[0]
    assert "less than minAge" in marked(doc, "maxAge")[0]  # either may be the one to change


def test_a_union_value_no_button_offers_is_shown_as_sent_and_marked(client):
    """union=maybe: a radio button of its own holds it, chosen, so the form sends back what it
    was sent until the reader picks one of the others."""
    doc = parse(client.get("/audit?union=maybe&gender=male").data)
    state = form_state(doc)
    assert state["union"] == ["maybe"] and state["gender"] == ["male"]
    assert all("use any, true" in m for m in marked(doc, "union"))
    [label] = [
        label
        for label in doc.find("form", cls="desk").find_all("label")
        if any(i.attrs.get("value") == "maybe" for i in label.find_all("input"))
    ]
    assert label.text == "maybe (not a choice)"
    page = client.get("/audit?union=true").get_data(as_text=True)
    assert "not a choice" not in page


def test_a_list_of_levels_from_a_link_can_be_changed_in_the_form(client):
    """education[]=none (exactly no diploma) has no "or more" select to show it: each level gets
    a box, ticked as sent, and a bad level a box of its own, so the reader can untick it rather
    than send it back with every submit."""
    doc = parse(client.get("/audit?education[]=none&experience=junior&experience=phd").data)
    form = doc.find("form", cls="desk")

    def boxes(name: str) -> dict[str, Node]:
        return {n.attrs["value"]: n for n in form.iter() if n.attrs.get("name") == name}

    education = boxes("education[]")
    assert list(education) == list(rules.CHOICES["education"])
    assert all(b.attrs["type"] == "checkbox" for b in education.values())
    assert [v for v, b in education.items() if "checked" in b.attrs] == ["none"]
    experience = boxes("experience[]")
    assert list(experience) == [*rules.CHOICES["experience"], "phd"]
    assert all(b.attrs["type"] == "checkbox" for b in experience.values())
    assert [v for v, b in experience.items() if "checked" in b.attrs] == ["junior", "phd"]
    assert all("'phd'" in m for m in marked(doc, "experience[]"))
    assert form_state(doc)["experience[]"] == ["junior", "phd"]


def test_a_value_no_select_offers_is_shown_as_sent_and_only_then(client):
    doc = parse(client.get("/audit?education=phd&population=mars&experience=none").data)
    state = form_state(doc)
    assert state["education"] == ["phd"] and state["population"] == ["mars"]
    assert "phd (not a choice)" in doc.find("select", id="education").text
    assert state["experience"] == ["any"]  # none or more: anyone, a choice the select offers
    page = client.get("/audit?experience=none").get_data(as_text=True)  # education: absent
    assert "not a choice" not in page


def test_an_htmx_answer_marks_and_clears_the_error_slots_out_of_band(client):
    headers = {"HX-Request": "true", "HX-Target": "audit-results"}
    bad = parse(client.get("/audit?maxAge=abc&gender=male", headers=headers).data)
    slot = bad.find(id="error-maxAge")
    assert slot.attrs.get("data-hx-swap-oob") == "true" and "whole number" in slot.text
    page = parse(client.get("/audit?maxAge=abc").data)  # the slot the answer replaces
    assert page.find(id="error-maxAge").attrs["class"] == slot.attrs["class"]
    good = parse(client.get("/audit?maxAge=40", headers=headers).data)
    assert good.find(id="error-maxAge").text == ""  # fixed: the message goes
    assert good.find(id="error-maxAge").attrs.get("data-hx-swap-oob") == "true"


def test_lists_and_any_are_accepted(client):
    ok = client.get("/api/audit?race=black&race=asian&education=any&experience=junior")
    assert ok.status_code == 200
    assert ok.get_json()["filters"]["race"] == ["black", "asian"]
    assert ok.get_json()["filters"]["experience"] == "junior"  # that level or higher


def test_a_one_level_list_is_spelled_with_brackets(client):
    exact_none = client.get("/api/audit?experience[]=none").get_json()
    or_higher = client.get("/api/audit?experience=none").get_json()
    assert exact_none["filters"]["experience"] == ["none"]
    assert or_higher["filters"]["experience"] == "none"  # none or higher: everyone
    assert exact_none["odds"] < or_higher["odds"] == 1
    page = client.get("/audit?experience[]=none").get_data(as_text=True)
    assert 'name="experience[]" value="none"' in page  # the form keeps it on the next change
    assert "experience%5B%5D=none" in page  # and so do the share and download links


def test_page_and_fragment_come_from_one_partial(client):
    url = "/audit?gender=female&minAge=30&date=1980-01-01&jurisdiction=uk"
    page = client.get(url)
    fragment = client.get(url, headers={"HX-Request": "true", "HX-Target": "audit-results"})
    assert page.status_code == fragment.status_code == 200
    html, part = page.get_data(as_text=True), fragment.get_data(as_text=True)
    assert "<html" in html and "<html" not in part
    assert part.strip()[:60] in html
    assert 'data-hx-trigger="input changed delay:300ms' in html
    assert "Not legal advice" in part
    assert "Sex Discrimination Act 1975" in part
    assert "HX-Request" in page.headers["Vary"]
    pushed = "/audit?gender=female&minAge=30&date=1980-01-01&jurisdiction=uk&population=today"
    assert fragment.headers["HX-Push-Url"] == pushed


def test_an_htmx_request_with_a_bad_query_shows_the_error_in_place(client):
    response = client.get(
        "/audit?minAge=90", headers={"HX-Request": "true", "HX-Target": "audit-results"}
    )
    assert response.status_code == 200  # htmx swaps only 2xx responses
    assert 'role="alert"' in response.get_data(as_text=True)


def test_the_download_is_the_posting_draft(client):
    url = "/audit/posting.md?gender=male&maxAge=39&union=false&education=bachelor&date=1966-06-01"
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    filters = Filters(gender="male", maxAge=39, union=False, education="bachelor")
    name, text = posting_text(filters, date(1966, 6, 1), "postwar")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.get_data(as_text=True) == text


def test_the_law_page_lists_every_law_with_its_source(client):
    from otiose.audit.law import timeline

    html = client.get("/law").get_data(as_text=True)
    for entry in timeline().laws:
        assert f'id="{entry.id}"' in html
        assert entry.source in html


def test_the_audit_line_for_a_posting(app):
    library = state.library(app)
    postings = list(library.postings.values())
    industrial = next(p for p in postings if p.era == "industrial" and p.filters.gender != "any")
    with app.test_request_context("/"):
        line = render_template("_audit_line.html", p=industrial)
    assert f"Lawful in {industrial.posted.year}." in line
    assert "Unlawful today under Title VII" in line
    open_door = Filters()
    plain = industrial.model_copy(update={"filters": open_door})
    with app.test_request_context("/"):
        line = render_template("_audit_line.html", posting=plain)
    assert "Lawful today." in line and "impact ratio" not in line


def test_the_audit_line_calls_an_unsettled_year_unsettled(app):
    """A minimum age over 40 before Cline (2004): not "Lawful in 1995", and lawful today."""
    library = state.library(app)
    some = next(p for p in library.postings.values() if p.posted and p.posted.year < 2004)
    fields = some.model_dump() | {"filters": {"minAge": 50}, "postedDate": "March 1, 1995"}
    older = type(some).model_validate(fields)
    with app.test_request_context("/"):
        line = render_template("_audit_line.html", posting=older)
    assert "Unsettled in 1995, on its minimum age clause." in line
    assert "Lawful in 1995" not in line and "Lawful today" in line


def test_the_audit_line_names_several_clauses_as_a_list(app, monkeypatch):
    """Today's law data has one silent clause (marital status) and one unsettled one (a minimum
    age): a second would have read "on its minimum age and sex and race clause"."""
    library = state.library(app)
    some = next(p for p in library.postings.values() if p.posted and p.posted.year < 2004)
    fields = some.model_dump() | {"filters": {"minAge": 50}, "postedDate": "March 1, 1995"}
    older = type(some).model_validate(fields)
    real = app.jinja_env.globals["posting_audit"]
    with app.test_request_context("/"):
        (age,) = real(older).unsettled_then
        three = (age, replace(age, label="Sex"), replace(age, label="Race"))
        monkeypatch.setitem(
            app.jinja_env.globals,
            "posting_audit",
            lambda p: replace(real(p), unsettled_then=three, silent_now=three[1:]),
        )
        line = render_template("_audit_line.html", posting=older)
    assert "Unsettled in 1995, on its minimum age, sex and race clauses." in line
    assert "federal law is silent on its sex and race clauses, worst" in line


def test_the_law_table_and_the_api_say_unsettled(client):
    html = client.get("/audit?minAge=50&date=1995-01-01").get_data(as_text=True)
    assert 'class="ruling ruling--unsettled">Unsettled<' in html
    body = client.get("/api/audit?minAge=50&date=1995-01-01").get_json()
    (ruling,) = body["law"]
    assert ruling["verdict"] == "unsettled" and ruling["lawful"] is None
    assert (
        client.get("/api/audit?minAge=50&date=2005-01-01").get_json()["law"][0]["verdict"]
        == "lawful"
    )


def test_the_audit_line_renders_for_every_posting(app):
    library = state.library(app)
    lines = []
    with app.test_request_context("/"):
        for posting in library.postings.values():
            line = render_template("_audit_line.html", p=posting)
            assert f"in {posting.posted.year}" in line, posting.id
            if posting.posted > date.today():
                assert "on the law as it stands today" in line
            assert "today" in line and "/audit?" in line
            lines.append(line)
    assert any("Unlawful today" in x for x in lines)


def test_the_api_says_what_each_filter_alone_does_to_each_group(client):
    body = client.get("/api/audit?gender=male&union=true").get_json()
    union = next(e for e in body["exclusion"] if e["filter"] == "union")
    assert union["turns_away"] == ["people outside a union"]
    assert len(union["by_group"]) == 29
    gender = next(e for e in body["exclusion"] if e["filter"] == "gender")
    women = next(g for g in gender["by_group"] if g["value"] == "female")
    assert women["share"] == 1


def test_a_date_to_come_is_read_on_todays_law_and_says_so(app, client):
    """The desk, a posting page and the ranking never present a future date's law as known."""
    today = date.today()
    future = client.get(f"/audit?date={today.year + 10}-01-01").get_data(as_text=True)
    assert "That date has not come yet" in future
    past = client.get("/audit?date=1970-01-01").get_data(as_text=True)
    assert "That date has not come yet" not in past
    # judged by the calendar, as the site judges it: the near-future era's postings are still to
    # come until its last year has passed
    postings = sorted(state.library(app).postings.values(), key=lambda p: p.posted or today)
    old, last = postings[0], postings[-1]
    assert old.posted and old.posted < today
    page = client.get(f"/postings/{old.id}").get_data(as_text=True)
    assert "speculation: a posting dated in the future" not in page
    if last.posted and last.posted > today:
        page = client.get(f"/postings/{last.id}").get_data(as_text=True)
        assert "speculation: a posting dated in the future" in page
        ranking = client.get("/declassified").get_data(as_text=True)
        assert f"in {last.posted.year} on today's law" in ranking


def test_the_desk_names_the_year_of_todays_tables(client, app):
    """The population choice gives the year the tables describe, not a year typed beside them."""
    year = state.board(app).population.year
    page = client.get("/audit").get_data(as_text=True)
    assert f"Today: US adults, about {year}" in page


def test_a_kept_audit_line_is_kept_apart_by_everything_its_bytes_depend_on(monkeypatch):
    """The line is rendered once and kept; a kept copy must not cross a prefix, a link choice,
    a day or a reload of the content."""
    from otiose.web import audit, create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "line"})
    posting = next(iter(state.library(app).postings.values()))
    with app.test_request_context("/"):
        root = str(audit.audit_line(posting))
        fresh = render_template("_audit_line.html", posting=posting, audit_link=True)
        assert root == fresh  # the kept line is the template's own
        assert str(audit.audit_line(posting)) == root and len(state.site(app).renders) == 1
        bare = str(audit.audit_line(posting, link=False))
    assert 'href="/audit?' in root and "<a " not in bare
    with app.test_request_context("/", base_url="http://localhost/otiose"):
        under = str(audit.audit_line(posting))
    assert 'href="/otiose/audit?' in under  # not the line kept for the site at /

    class Tomorrow(date):
        @classmethod
        def today(cls) -> date:
            return date(2999, 1, 1)

    kept = len(state.site(app).renders)
    monkeypatch.setattr(audit, "date", Tomorrow)
    with app.test_request_context("/"):
        audit.audit_line(posting)
    assert len(state.site(app).renders) == kept + 1  # a new day, a new line
    state.site(app).load()
    with app.test_request_context("/"):
        audit.audit_line(posting)
    assert len(state.site(app).renders) == 1  # content loaded again: kept lines went with it


def test_each_era_population_names_the_year_its_tables_describe(client, app):
    """An era's tables count the people of one year (1980 for 1973-1994): the choice says that
    year, not the era's span, and says so when the year is still to come and the tables are a
    projection."""
    board = state.board(app)
    page = parse(client.get("/audit").get_data(as_text=True))
    options = {o.attrs["value"]: o.text for o in page.find(id="population").find_all("option")}
    eras = {e.id: e for e in state.library(app).eras}
    assert board.era_populations
    for era_id, pop in board.era_populations.items():
        era = eras[era_id]
        label = options[era_id]
        assert str(pop.year) in label
        assert f"{era.years.start}–{era.years.end}" not in label
        assert ("projected" in label) == (pop.year > date.today().year), label


@pytest.mark.parametrize(
    ("population", "sources"), [("today", "/about#population"), ("corporate", "/eras/corporate")]
)
def test_exact_is_said_of_the_model_and_its_sources_are_linked(client, population, sources):
    """The arithmetic is exact; the population it runs over is rounded figures, estimates and,
    for experience, the game's own model, combined as if independent. The desk says so where it
    says "exact", and links to the page that names every source."""
    page = parse(client.get(f"/audit?population={population}").get_data(as_text=True))
    explain = page.find(cls="audit__explain")
    text = explain.text
    assert "Exact" in text and "estimates" in text and "own model" in text
    assert "independent" in text
    assert sources in [a.attrs["href"] for a in explain.find_all("a")]


@pytest.mark.parametrize("jurisdiction", ["us", "uk"])
def test_the_four_fifths_rule_is_cited_and_its_reach_stated(client, jurisdiction):
    """Four-fifths is a US agencies' rule of thumb for race, sex and ethnic groups: the desk
    cites it, says it applies it to every kind of group, and that British law has no such line."""
    page = parse(client.get(f"/audit?jurisdiction={jurisdiction}").get_data(as_text=True))
    explain = page.find(cls="audit__explain")
    assert "29 C.F.R. § 1607.4(D)" in explain.text
    assert any("ecfr.gov" in a.attrs["href"] for a in explain.find_all("a"))
    assert ("British law sets no fixed line" in explain.text) == (jurisdiction == "uk")


def test_the_desk_does_not_say_small_employers_are_covered_now(client):
    """Title VII still leaves out employers of fewer than 15, the ADEA fewer than 20."""
    note = parse(client.get("/audit").get_data(as_text=True)).find_all(cls="audit__note")[-1].text
    assert "exempt from several of these laws at first" not in note
    assert "15 or more" in note and "20 or more" in note


@pytest.mark.parametrize(
    ("param", "hint"),
    [
        ("minAge", "18 for no minimum"),
        ("maxAge", "70 for no maximum"),
        ("date", "YYYY-MM-DD"),
        ("jurisdiction", "us or uk"),
        ("race", "leave it out to mean any"),
    ],
)
def test_an_empty_field_says_what_to_put_in_it(client, param, hint):
    """A cleared age or date field is sent empty by the form, which cannot leave it out: the
    message says what to write there instead of "leave it out to mean any"."""
    body = client.get(f"/api/audit?{param}=").get_json()
    assert body["parameter"] == param
    assert body["error"].startswith(f"{param}: is empty; ") and hint in body["error"]


def test_british_law_is_named_for_great_britain_where_it_applies(client):
    """The Acts the desk reads for "uk" did not extend to Northern Ireland, which had Orders of
    its own: the desk and the timeline name Great Britain, not the United Kingdom."""
    law_page = parse(client.get("/law").get_data(as_text=True))
    places = {n.text for n in law_page.find_all(cls="lawline__where")}
    assert places == {"United States (federal law)", "Great Britain"}
    desk = parse(client.get("/audit?jurisdiction=uk").get_data(as_text=True))
    assert "Great Britain" in desk.find(id="audit-law").text
    assert "United Kingdom" not in client.get("/audit?jurisdiction=uk").get_data(as_text=True)


def test_a_parameter_with_no_name_is_called_that(client):
    """A hand-edited link with "&=x" in it: the answer says a parameter has no name, rather
    than naming a blank one (": unknown parameter")."""
    body = client.get("/api/audit?gender=male&=x").get_json()
    assert body["parameter"] == ""
    assert body["error"].startswith("a parameter with no name")
    page = parse(client.get("/audit?gender=male&=x").data)
    item = page.find(cls="audit__error").find("li")
    assert item.text.startswith("a parameter with no name") and not item.find_all("strong")
