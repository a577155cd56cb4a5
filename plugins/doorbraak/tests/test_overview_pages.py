"""The doorbraak's overview pages for specialists and the municipality's managers: the
open blockages of every case with the rules that block most often (/doorbraak/knelpunten),
the year's maatwerk budget with the requests awaiting a decision (/doorbraak/budget), the
cost comparison per case (/doorbraak/kosten), and the agency form's organisation on the
case page. Real SQLite (or PostgreSQL), no mocks."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import col, select

from noaber.accounts.access import acting_as
from noaber.accounts.roles import system_principal
from noaber.clock import dutch_today
from noaber.people.models import HouseholdMember
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import form_token
from noaber.ui.i18n import translations_for
from noaber_doorbraak import budget, pages
from noaber_doorbraak.controllers import settings_of
from noaber_doorbraak.pages import (
    BASE,
    BLOCKAGES,
    BLOCKAGES_LABEL,
    BUDGET,
    BUDGET_LABEL,
    COSTS,
    COSTS_LABEL,
    FIELD_MESSAGES,
    SERVICE_MESSAGES,
)
from noaber_doorbraak.schemas import SpendingIn

API = "/api/doorbraak"
SLUG = "amersfoort"


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for(SLUG, role="coordinator", programme="doorbraak")


def text_of(page: Any) -> str:
    return html.unescape(page.text)


def row_of(page: Any, row_id: str) -> str:
    assert f'id="{row_id}"' in page.text, f"no row {row_id}"
    return html.unescape(page.text.split(f'id="{row_id}"', 1)[1].split("</tr>", 1)[0])


def row_ids(page: Any, prefix: str) -> list[int]:
    return [
        int(found)
        for found in re.findall(rf'<tr class="utrecht-table__row" id="{prefix}-(\d+)"', page.text)
    ]


def error_of(page: Any, field_id: str) -> str:
    """The Dutch message next to the field ``field_id``, which points to it."""
    message = page.text.split(f'id="{field_id}-fout">', 1)[1].split("</p>", 1)[0]
    field_tag = page.text.split(f'id="{field_id}" name=', 1)[1].split(">", 1)[0]
    assert f'{field_id}-fout"' in field_tag
    assert 'aria-invalid="true"' in field_tag
    return html.unescape(message)


def subjects_of(platform: Any, response: Any) -> set[int]:
    trace = response.headers["x-trace-id"]
    with tenant_scope(SLUG), platform.sessions() as session:
        return set(
            session.exec(
                select(AccessLogEntry.subject_person_id).where(AccessLogEntry.trace_id == trace)
            )
        )


def members_of(platform: Any, household_id: int) -> set[int]:
    with tenant_scope(SLUG), platform.sessions() as session:
        return set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id) == household_id
                )
            )
        )


def blockage(client: Any, case_id: int, rule: str, **extra: Any) -> int:
    body = {
        "rule": rule,
        "owner_organisation": "Gemeente Amersfoort",
        "description": "Het gezin loopt vast.",
        "noticed_on": "2026-01-20",
        **extra,
    }
    r = client.post(f"{API}/cases/{case_id}/blockages", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def escalate(client: Any, blockage_id: int, escalated_on: date, deadline: date) -> int:
    r = client.post(
        f"{API}/blockages/{blockage_id}/escalations",
        json={
            "level": "teamleider",
            "question": "Mag de regel buiten toepassing blijven?",
            "escalated_on": escalated_on.isoformat(),
            "deadline": deadline.isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def close(client: Any, case_id: int) -> None:
    """Move the case's request to ``uitvoering`` and close the case with its outcome."""
    request_id = client.get(f"{API}/cases/{case_id}").json()["request_id"]
    for status in ("kennismaking", "plan", "uitvoering"):
        moved = client.post(f"/api/requests/{request_id}/transitions", json={"to": status})
        assert moved.status_code == 201, moved.text
    closed = client.post(
        f"{API}/cases/{case_id}/close",
        json={"outcome": "behaald", "closed_on": "2026-06-01", "note": "Klaar."},
    )
    assert closed.status_code == 201, closed.text


def agency(client: Any, case_id: int, cost: str, after: str | None = None, **extra: Any) -> Any:
    body = {"name": "Schuldhulp", "involvement": "Budgetbeheer", "yearly_cost": cost, **extra}
    if after is not None:
        body["yearly_cost_after"] = after
    r = client.post(f"{API}/cases/{case_id}/agencies", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def spending(client: Any, case_id: int, amount: str, purpose: str = "Borg") -> int:
    r = client.post(f"{API}/cases/{case_id}/spending", json={"amount": amount, "purpose": purpose})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def decide(client: Any, spending_id: int, approve: bool) -> None:
    r = client.post(
        f"{API}/spending/{spending_id}/decision",
        json={"approve": approve, "decided_by": "Programmamanager"},
    )
    assert r.status_code == 201, r.text


# --- the blockages --------------------------------------------------------------------------


def test_the_open_blockages_of_running_cases_with_overdue_decisions_first_and_filtered(
    platform, af, h, coordinator
):
    today = dutch_today()
    yilmaz = h.make_household(af, "Gezin Yilmaz")
    bakker = h.make_household(af, "Gezin Bakker")
    visser = h.make_household(af, "Gezin Visser")
    first = h.open_case(af, yilmaz)["id"]
    second = h.open_case(af, bakker)["id"]
    closed = h.open_case(af, visser, goal="Een eigen huis")["id"]
    waiting = blockage(af, second, "Wachtlijst schuldhulp", noticed_on="2026-01-15")
    overdue = blockage(af, first, "Kostendelersnorm", noticed_on="2026-02-01")
    escalate(af, overdue, date(2026, 2, 2), today - timedelta(days=1))
    on_time = blockage(af, second, "Huurtoeslag terugvordering", noticed_on="2026-01-25")
    escalate(af, on_time, date(2026, 1, 26), today + timedelta(days=10))
    solved = blockage(af, first, "Inschrijving BRP")
    escalation = escalate(af, solved, date(2026, 1, 21), today + timedelta(days=3))
    decided = af.post(
        f"{API}/escalations/{escalation}/decision",
        json={
            "decision": "Briefadres toegestaan.",
            "decided_by": "Teamleider",
            "decided_on": "2026-01-22",
            "resolved": True,
        },
    )
    assert decided.status_code == 201, decided.text
    left_open = blockage(af, closed, "Kostendelersnorm")
    close(af, closed)

    page = coordinator.get(BLOCKAGES)
    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    # Open and escalated blockages of running cases: the overdue one first, then the
    # longest noticed; a resolved one and one of a closed case are left out.
    assert row_ids(page, "knelpunt") == [overdue, waiting, on_time]
    assert solved not in row_ids(page, "knelpunt")
    assert left_open not in row_ids(page, "knelpunt")
    row = row_of(page, f"knelpunt-{overdue}")
    assert f'href="{BASE}/{first}#knelpunt-{overdue}"' in row
    assert "Gezin Yilmaz" in row
    assert "Kostendelersnorm" in row
    assert "01-02-2026" in row
    assert "geescaleerd" in row
    assert "naar teamleider" in row
    assert (today - timedelta(days=1)).strftime("%d-%m-%Y") in row
    assert '<strong class="noaber-overdue">te laat</strong>' in row
    row = row_of(page, f"knelpunt-{on_time}")
    assert (today + timedelta(days=10)).strftime("%d-%m-%Y") in row
    assert "te laat" not in row
    assert "Niet geëscaleerd" in row_of(page, f"knelpunt-{waiting}")
    counts = text_of(page).split('id="aantallen">', 1)[1].split("</p>", 1)[0]
    assert "3 open knelpunten in de lopende casussen;" in counts
    assert "waarvan 1 met een besluit dat te laat is." in counts
    assert f'href="{BLOCKAGES}?toon=te-laat"' in counts
    # Every family the list shows is named in the access log, and only those.
    shown = subjects_of(platform, page)
    assert shown >= members_of(platform, yilmaz) | members_of(platform, bakker)
    assert members_of(platform, visser).isdisjoint(shown)

    only = coordinator.get(BLOCKAGES, params={"toon": "te-laat"})
    assert only.status_code == 200
    assert row_ids(only, "knelpunt") == [overdue]
    assert '<option value="te-laat" selected>' in only.text
    assert "Knelpunten met een besluit dat te laat is (1)" in text_of(only)
    assert members_of(platform, bakker).isdisjoint(subjects_of(platform, only))


def test_the_rules_that_block_most_often_over_a_period(af, h, coordinator):
    first = h.open_case(af, h.make_household(af, "Gezin Yilmaz"))["id"]
    second = h.open_case(af, h.make_household(af, "Gezin Bakker"))["id"]
    blockage(af, first, "Kostendelersnorm", legal_basis="Participatiewet art. 22a")
    blockage(af, second, "  kostendelersnorm ", noticed_on="2026-03-02")  # the same rule
    escalate(af, blockage(af, second, "Wachtlijst schuldhulp"), date(2026, 1, 21), date(2026, 2, 4))

    page = coordinator.get(BLOCKAGES)
    rules = page.text.split('id="regels"', 1)[1]
    assert "Alle knelpunten (3), de regels die het vaakst blokkeren eerst" in html.unescape(rules)
    top = row_of(page, "regel-1")
    assert "Kostendelersnorm" in top
    assert "Participatiewet art. 22a" in top
    assert re.findall(r"<td[^>]*>(\d+)</td>", top) == ["2", "2", "0", "0", "2"]
    second_rule = row_of(page, "regel-2")
    assert "Wachtlijst schuldhulp" in second_rule
    assert re.findall(r"<td[^>]*>(\d+)</td>", second_rule) == ["1", "1", "1", "0", "1"]

    # A period: the blockage noticed in March only; the Dutch way of writing a date too.
    for start in ("2026-03-01", "01-03-2026"):
        period = coordinator.get(BLOCKAGES, params={"van": start, "tot": "2026-03-31"})
        assert period.status_code == 200
        caption = text_of(period).split('id="regels"', 1)[1]
        assert "Knelpunten opgemerkt van 01-03-2026 tot en met 31-03-2026 (1)" in caption
        assert re.findall(r"<td[^>]*>(\d+)</td>", row_of(period, "regel-1")) == [
            "1",
            "1",
            "0",
            "0",
            "1",
        ]
        assert 'id="regel-2"' not in period.text
        assert 'value="2026-03-01"' in period.text or 'value="01-03-2026"' in period.text
    # The list's filter keeps the period, and the period's form keeps the filter.
    both = coordinator.get(BLOCKAGES, params={"toon": "te-laat", "van": "2026-03-01"})
    assert '<input type="hidden" name="van" value="2026-03-01">' in both.text
    assert '<input type="hidden" name="toon" value="te-laat">' in both.text
    empty = coordinator.get(BLOCKAGES, params={"van": "2027-01-01"})
    assert "Geen knelpunten vastgelegd in deze periode." in empty.text


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"toon": "alles"}, "toon", "Kies een van de mogelijkheden."),
        ({"van": "gisteren"}, "van", "Vul een datum in, bijvoorbeeld 31-01-2026."),
        ({"tot": "2026-02-30"}, "tot", "Vul een datum in, bijvoorbeeld 31-01-2026."),
        (
            {"van": "2026-03-01", "tot": "2026-02-01"},
            "tot",
            "Het einde van de periode ligt vóór het begin.",
        ),
    ],
)
def test_a_filter_that_is_no_choice_or_no_date_is_named_in_dutch(
    af, h, coordinator, params, field, message
):
    cid = h.open_case(af, h.make_household(af))["id"]
    shown = blockage(af, cid, "Kostendelersnorm")
    page = coordinator.get(BLOCKAGES, params=params)
    assert page.status_code == 422
    assert error_of(page, field) == message
    assert f'href="#{field}"' in page.text  # the summary links to the field
    # The page still shows what it can: every open blockage, over every period.
    assert row_ids(page, "knelpunt") == [shown]
    assert "Alle knelpunten (1)" in text_of(page)


@pytest.mark.parametrize("path", [BLOCKAGES, BUDGET, COSTS, BASE])
@pytest.mark.parametrize("number", ["0", "-1", "x", "9" * 5000, "99999999999"])
def test_a_page_number_that_is_none_shows_a_page(coordinator, path, number):
    page = coordinator.get(path, params={"pagina": number})
    assert page.status_code == 200
    assert page.text.count("<h1") == 1


def test_the_blockages_come_in_pages_keeping_the_filters(platform, af, h, coordinator, monkeypatch):
    monkeypatch.setattr(pages.blockages, "PAGE_SIZE", 2)
    households = [h.make_household(af, f"Gezin {n}") for n in ("Aydin", "Bakker", "Claes")]
    ids = [
        blockage(af, h.open_case(af, household)["id"], "Kostendelersnorm", noticed_on=day)
        for household, day in zip(
            households, ("2026-01-20", "2026-01-21", "2026-01-22"), strict=True
        )
    ]
    first = coordinator.get(BLOCKAGES, params={"van": "2026-01-01"})
    assert row_ids(first, "knelpunt") == ids[:2]
    assert "Pagina 1 van 2" in first.text
    assert f'href="{BLOCKAGES}?van=2026-01-01&amp;pagina=2" rel="next"' in first.text
    assert members_of(platform, households[2]).isdisjoint(subjects_of(platform, first))
    second = coordinator.get(BLOCKAGES, params={"van": "2026-01-01", "pagina": "2"})
    assert row_ids(second, "knelpunt") == ids[2:]
    assert subjects_of(platform, second) >= members_of(platform, households[2])
    assert members_of(platform, households[0]).isdisjoint(subjects_of(platform, second))


# --- the maatwerk budget --------------------------------------------------------------------


def spend_in(platform: Any, case_id: int, amount: str, at: datetime) -> int:
    """A maatwerk request made at ``at`` (of that year's budget), as the service makes it."""
    tenant = platform.tenants[SLUG]
    with (
        tenant_scope(SLUG),
        acting_as(system_principal(SLUG, "test")),
        platform.sessions.begin() as session,
    ):
        made = budget.request_spending(
            session,
            settings_of(tenant),
            case_id,
            SpendingIn(amount=Decimal(amount), purpose="Fiets voor Emre"),
            now=at,
        )
        return made.id or 0


def test_the_budget_of_this_year_its_decision_times_and_the_requests_awaiting_a_decision(
    platform, af, h, coordinator
):
    year = dutch_today().year
    yilmaz = h.make_household(af, "Gezin Yilmaz")
    bakker = h.make_household(af, "Gezin Bakker")
    first = h.open_case(af, yilmaz)["id"]
    second = h.open_case(af, bakker)["id"]
    granted = spending(af, first, "1250.50", "Borg voor de huur")
    decide(af, granted, approve=True)
    refused = spending(af, first, "300.00", "Laptop")
    decide(af, refused, approve=False)
    asked = spending(af, second, "750.00", "Schuldsanering")

    page = coordinator.get(BUDGET)
    assert page.status_code == 200
    text = text_of(page)
    assert f"Doorbraak: maatwerkbudget {year}</h1>" in text
    assert "€\xa040.000,00" in row_of(page, "budget-totaal")
    assert "€\xa01.250,50" in row_of(page, "budget-besteed")
    assert "€\xa038.749,50" in row_of(page, "budget-over")
    assert "€\xa0750,00" in row_of(page, "budget-aangevraagd")
    assert f'<option value="{year}" selected>' in page.text
    # Decisions were taken within seconds: both within the 24 hours' target.
    times = text.split('id="besluittijd"', 1)[1].split("</section>", 1)[0]
    assert "besloten binnen 24 uur" in times
    assert "2 van de 2 besluiten (100%)" in times
    assert "0,0 uur" in times
    # Only the request awaiting a decision is listed, linking to it on its case's page.
    assert row_ids(page, "besteding") == [asked]
    row = row_of(page, f"besteding-{asked}")
    assert f'href="{BASE}/{second}#besteding-{asked}"' in row
    assert "Gezin Bakker" in row
    assert "Schuldsanering" in row
    assert "€\xa0750,00" in row
    assert "0 uur" in row
    assert "over de streeftijd" not in row
    shown = subjects_of(platform, page)
    assert shown >= members_of(platform, bakker)
    assert members_of(platform, yilmaz).isdisjoint(shown)  # Yilmaz's requests are decided
    # The figures are the API's.
    api = af.get(f"{API}/budget").json()
    assert (api["spent"], api["pending"], api["decisions"]) == ("1250.50", "750.00", 2)

    decide(af, asked, approve=True)
    page = coordinator.get(BUDGET)
    assert row_ids(page, "besteding") == []
    assert f"Geen maatwerk van {year} wacht op een besluit." in text_of(page)
    assert "€\xa02.000,50" in row_of(page, "budget-besteed")


def test_the_year_selector_shows_another_years_budget(platform, af, h, coordinator):
    year = dutch_today().year
    household = h.make_household(af, "Gezin Yilmaz")
    cid = h.open_case(af, household)["id"]
    last_year = year - 1
    old = spend_in(platform, cid, "400.00", datetime(last_year, 3, 1, 9, 0, tzinfo=UTC))
    page = coordinator.get(BUDGET)
    options = re.findall(r'<option value="(\d+)"', page.text.split('id="jaar"', 1)[1])
    assert options == [str(year), str(last_year)]  # this year and the year with maatwerk
    assert row_ids(page, "besteding") == []
    assert f"Over maatwerk van {year} is nog niet besloten." in text_of(page)

    page = coordinator.get(BUDGET, params={"jaar": str(last_year)})
    assert page.status_code == 200
    assert f"Doorbraak: maatwerkbudget {last_year}</h1>" in text_of(page)
    assert f'<option value="{last_year}" selected>' in page.text
    assert row_ids(page, "besteding") == [old]
    row = row_of(page, f"besteding-{old}")
    assert "Fiets voor Emre" in row
    assert f"01-03-{last_year}" in row
    assert "over de streeftijd" in row  # months, not 24 hours
    assert "€\xa0400,00" in row_of(page, "budget-aangevraagd")
    assert subjects_of(platform, page) >= members_of(platform, household)
    # A year the municipality has not budgeted still shows (its budget is the default).
    later = coordinator.get(BUDGET, params={"jaar": str(year + 3)})
    assert later.status_code == 200
    assert f'<option value="{year + 3}" selected>' in later.text


@pytest.mark.parametrize("value", ["volgend jaar", "1999", "2101", "20266", "-2026", "9" * 5000])
def test_a_year_that_is_none_is_named_in_dutch_and_this_year_is_shown(coordinator, value):
    page = coordinator.get(BUDGET, params={"jaar": value})
    assert page.status_code == 422
    assert error_of(page, "jaar") == "Kies een van de jaren."
    year = dutch_today().year
    assert f"Doorbraak: maatwerkbudget {year}</h1>" in text_of(page)
    assert f'<option value="{year}" selected>' in page.text


def test_the_requests_awaiting_a_decision_come_in_pages_keeping_the_year(
    platform, af, h, coordinator, monkeypatch
):
    monkeypatch.setattr(pages.maatwerk, "PAGE_SIZE", 1)
    year = dutch_today().year - 1
    cid = h.open_case(af, h.make_household(af))["id"]
    ids = [
        spend_in(platform, cid, "100.00", datetime(year, month, 1, tzinfo=UTC)) for month in (2, 1)
    ]
    first = coordinator.get(BUDGET, params={"jaar": str(year)})
    assert row_ids(first, "besteding") == [ids[1]]  # the longest waiting first
    assert f'href="{BUDGET}?jaar={year}&amp;pagina=2" rel="next"' in first.text
    second = coordinator.get(BUDGET, params={"jaar": str(year), "pagina": "2"})
    assert row_ids(second, "besteding") == [ids[0]]
    assert f'href="{BUDGET}?jaar={year}&amp;pagina=1" rel="prev"' in second.text


# --- the cost comparison --------------------------------------------------------------------


def test_the_costs_per_case_and_summed(platform, af, h, coordinator, monkeypatch):
    yilmaz = h.make_household(af, "Gezin Yilmaz")
    bakker = h.make_household(af, "Gezin Bakker")
    first = h.open_case(af, yilmaz)["id"]
    second = h.open_case(af, bakker)["id"]
    agency(af, first, "4200.00", "1000.00")
    agency(af, first, "800.00")  # unchanged after the breakthrough
    decide(af, spending(af, first, "750.00"), approve=True)
    decide(af, spending(af, first, "99.00"), approve=False)  # refused: not counted
    agency(af, second, "12000.00", "2500.50")

    page = coordinator.get(COSTS)
    assert page.status_code == 200
    assert row_ids(page, "kosten") == [second, first]  # the newest first
    row = row_of(page, f"kosten-{first}")
    assert f'href="{BASE}/{first}#kaart"' in row
    assert re.findall(r"€\xa0[-\d.,]+", row) == [
        "€\xa05.000,00",
        "€\xa02.550,00",
        "€\xa0750,00",
        "€\xa02.450,00",
    ]
    text = text_of(page)
    assert 'id="som-zoals-het-was">€\xa017.000,00<' in text
    assert 'id="som-doorbraak">€\xa05.050,50<' in text
    assert 'id="som-maatwerk">€\xa0750,00<' in text
    assert 'id="som-verschil">€\xa011.949,50<' in text
    api = af.get(f"{API}/costs").json()
    assert (api["as_before"], api["breakthrough"], api["difference"]) == (
        "17000.00",
        "5050.50",
        "11949.50",
    )
    assert subjects_of(platform, page) >= members_of(platform, yilmaz) | members_of(
        platform, bakker
    )

    # A page at a time: the sums stay those of every case; only the shown family is logged.
    monkeypatch.setattr(pages.costs, "PAGE_SIZE", 1)
    later = coordinator.get(COSTS, params={"pagina": "2"})
    assert row_ids(later, "kosten") == [first]
    assert 'id="som-zoals-het-was">€\xa017.000,00<' in text_of(later)
    assert f'href="{COSTS}?pagina=1" rel="prev"' in later.text
    assert members_of(platform, bakker).isdisjoint(subjects_of(platform, later))


def test_a_case_that_costs_more_shows_a_negative_difference(af, h, coordinator):
    cid = h.open_case(af, h.make_household(af))["id"]
    agency(af, cid, "100.00", "100.00")
    decide(af, spending(af, cid, "400.00"), approve=True)
    row = row_of(coordinator.get(COSTS), f"kosten-{cid}")
    assert "€\xa0-400,00" in row  # 100 - (100 + 400)


# --- the agency's organisation on the case page ---------------------------------------------


def test_the_agency_form_offers_the_municipalitys_organisations(af, lw, h, coordinator):
    ours = h.organisation(af, "Stichting Schuldhulp Amersfoort")
    theirs = h.organisation(lw, "Amaryllis")
    cid = h.open_case(af, h.make_household(af))["id"]
    url = f"{BASE}/{cid}"
    page = coordinator.get(url)
    choice = page.text.split('id="organisation_id"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="([^"]*)"', choice)
    assert options[0] == ""
    assert str(ours) in options
    assert str(theirs) not in options  # another municipality's organisation
    assert "Amaryllis" not in choice
    assert "Geen organisatie" in choice

    def send(**fields: Any) -> Any:
        token = form_token(coordinator.get(url), f"{url}/instanties")
        base = {"agency_name": "Schuldhulp", "involvement": "Budgetbeheer", "yearly_cost": "4200"}
        return coordinator.post(
            f"{url}/instanties",
            data={"form_token": token, **base, **fields},
            follow_redirects=False,
        )

    # What is no organisation, or one of another municipality: refused next to the field.
    for wrong in ("geen", str(theirs)):
        refused = send(organisation_id=wrong)
        assert refused.status_code == 422
        assert error_of(refused, "organisation_id") == "Kies een van de organisaties."
        assert 'value="Budgetbeheer"' in refused.text or "Budgetbeheer</textarea>" in refused.text
    assert af.get(f"{API}/cases/{cid}").json()["agencies"] == []

    stored = send(organisation_id=str(ours))
    assert stored.status_code == 303, stored.text
    stored = send(organisation_id="", agency_name="GGD")
    assert stored.status_code == 303, stored.text
    with_org, without = af.get(f"{API}/cases/{cid}").json()["agencies"]
    assert with_org["organisation_id"] == ours
    assert without["organisation_id"] is None
    page = coordinator.get(url)
    assert "Stichting Schuldhulp Amersfoort" in row_of(page, f"instantie-{with_org['id']}")
    assert "geen" in row_of(page, f"instantie-{without['id']}")


# --- who sees the pages, and the navigation -------------------------------------------------


@pytest.mark.parametrize("path", [BLOCKAGES, BUDGET, COSTS])
def test_only_doorbraak_coordinators_and_the_municipality_admin_see_the_pages(client_for, path):
    assert client_for(SLUG).get(path).status_code == 200  # the municipality admin
    assert client_for(SLUG, role="coordinator", programme="doorbraak").get(path).status_code == 200
    refused = client_for(SLUG, role="coordinator", programme="wijkbedrijf").get(path)
    assert refused.status_code == 403
    assert "Geen toegang" in refused.text
    for role in ("professional", "privacy_officer"):
        assert client_for(SLUG, role=role).get(path).status_code == 403
    assert client_for("meppel").get(path).status_code == 404  # no doorbraakaanpak there
    anonymous = client_for(SLUG, anonymous=True).get(path, follow_redirects=False)
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/inloggen")


def test_the_navigation_links_to_the_overviews_after_the_cases(coordinator, client_for):
    expected = [
        (BASE, "Doorbraak"),
        (BLOCKAGES, "Knelpunten"),
        (BUDGET, "Maatwerkbudget"),
        (COSTS, "Kosten doorbraak"),
    ]
    for client in (coordinator, client_for("leeuwarden")):
        nav = (
            client.get("/werk").text.split('aria-label="Hoofdnavigatie"', 1)[-1].split("</nav>")[0]
        )
        links = re.findall(r'<a href="(/doorbraak/[^"]+)"[^>]*>([^<]+)</a>', nav)
        assert links == expected
    titles = ["Doorbraak: knelpunten", f"Doorbraak: maatwerkbudget {dutch_today().year}"]
    for (path, label), title in zip(expected[1:], [*titles, "Doorbraak: kosten"], strict=True):
        page = coordinator.get(path)
        assert f'<a href="{path}" aria-current="page">{label}</a>' in page.text
        assert f'<h1 class="utrecht-heading-1">{title}</h1>' in page.text  # not the link's text
    other = client_for(SLUG, role="coordinator", programme="wijkbedrijf").get("/werk")
    assert "/doorbraak/" not in other.text


def test_the_new_messages_in_tables_have_dutch_translations(platform):
    gettext = translations_for(platform.tenants[SLUG].plugins, "nl").gettext
    ids = [
        BLOCKAGES_LABEL,
        BUDGET_LABEL,
        COSTS_LABEL,
        FIELD_MESSAGES["organisation_id"],
        SERVICE_MESSAGES["organisation_id"],
    ]
    assert [i for i in ids if gettext(i) == i] == []
