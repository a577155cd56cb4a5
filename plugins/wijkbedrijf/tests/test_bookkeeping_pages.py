"""The coordinator's bookkeeping pages of the wijkbedrijf: the invoices overview (filters,
pages, totals, the CSV export), invoicing a resident's month, the refund of a credit note
on a paid invoice from the job's page, and the volunteer allowances; over the plugin's
services (real database, no mocks)."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import form_token, statements_of
from noaber.ui.i18n import translations_for
from noaber_wijkbedrijf.pages import (
    ALLOWANCE_MESSAGES,
    ALLOWANCES,
    FILTER_MESSAGES,
    INVOICES,
    JOBS,
    KIND_NAMES,
    MONTH_MESSAGES,
    REFUND_MESSAGES,
    STATUS_NAMES,
)

MONTH = f"{INVOICES}/maand"


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("leeuwarden", role="coordinator", programme="wijkbedrijf")


def send(client: Any, page_url: str, action: str, **fields: str) -> Any:
    token = form_token(client.get(page_url), action)
    return client.post(action, data={"form_token": token, **fields}, follow_redirects=False)


def redirected(response: Any, location: str) -> None:
    assert response.status_code == 303, response.text
    assert response.headers["location"] == location


def row_of(page: Any, row_id: str) -> str:
    assert f'id="{row_id}"' in page.text, f"no row {row_id}"
    return html.unescape(page.text.split(f'id="{row_id}"', 1)[1].split("</tr>", 1)[0])


def error_of(page: Any, field: str) -> str:
    assert f'id="{field}-fout"' in page.text, f"no error next to {field}"
    return html.unescape(page.text.split(f'id="{field}-fout">', 1)[1].split("</p>", 1)[0])


def alert_of(page: Any) -> str:
    """The refusal above a form (core's summary of a refused form)."""
    return html.unescape(page.text.split('role="alert"', 1)[1].split("</div>", 1)[0])


def subjects_of(platform: Any, response: Any) -> set[int]:
    trace = response.headers["x-trace-id"]
    with tenant_scope("leeuwarden"), platform.sessions() as session:
        return {
            e.subject_person_id
            for e in session.exec(select(AccessLogEntry).where(AccessLogEntry.trace_id == trace))
            if e.subject_person_id is not None
        }


def dutch(day: str) -> str:
    return "-".join(reversed(day.split("-")))


def sjoerd(lw: Any, h: Any) -> dict[str, int]:
    person = h.person(lw, "Sjoerd", "Hoekstra")
    return {"person": person, "helper": h.volunteer(lw, "Sjoerd Hoekstra", person_id=person)}


def worked(
    lw: Any, h: Any, resident: int, helper: int, day: str, amount: str = "2.5"
) -> dict[str, Any]:
    """A job of ``resident`` with ``helper`` confirmed on ``day`` (``2026-03-03``) and
    ``amount`` hours of that day approved."""
    year, month, d = day.split("-")
    first, last = f"{year}-{month}-{int(d):02d}", f"{year}-{month}-{min(int(d) + 3, 28):02d}"
    job = h.ok(h.job(lw, resident, wished_from=first, wished_until=last))
    offset = "+02:00" if "04" <= month <= "10" else "+01:00"
    a = h.confirmed(
        lw, job["id"], helper, start=f"{day}T09:00:00{offset}", end=f"{day}T12:00:00{offset}"
    )
    h.approved(lw, job["id"], a["id"], amount, on=day)
    return job


def all_invoices(lw: Any, h: Any) -> list[dict[str, Any]]:
    return list(h.ok(lw.get(f"{h.base}/invoices/"), 200)["items"])


def ledger(lw: Any, h: Any) -> dict[str, Any]:
    """Grietje's job invoiced on 10 March and credited in part on 15 April, Bauke's
    invoiced on 10 April and paid on 12 April."""
    volunteer = sjoerd(lw, h)
    grietje = h.person(lw)
    bauke = h.person(lw, "Bauke", "Visser")
    first = worked(lw, h, grietje, volunteer["helper"], "2026-03-03")
    second = worked(lw, h, bauke, volunteer["helper"], "2026-03-10", "2")
    a = h.ok(h.invoice(lw, job_id=first["id"], issued_on="2026-03-10"))
    b = h.ok(h.invoice(lw, job_id=second["id"], issued_on="2026-04-10"))
    h.ok(lw.post(f"{h.base}/invoices/{b['id']}/payment", json={"paid_on": "2026-04-12"}))
    c = h.ok(
        lw.post(
            f"{h.base}/invoices/{a['id']}/credit",
            json={"reason": "Half uur te veel", "amount": "4.50", "issued_on": "2026-04-15"},
        )
    )
    return {
        "grietje": grietje,
        "bauke": bauke,
        "volunteer": volunteer,
        "jobs": (first["id"], second["id"]),
        "invoices": (a, b, c),
    }


def listed(page: Any) -> list[int]:
    """The invoices on the overview, in order."""
    table = page.text.split('id="facturen"', 1)[1].split("</table>", 1)[0]
    return [int(i) for i in re.findall(r'<tr class="utrecht-table__row" id="factuur-(\d+)"', table)]


# --- the overview -------------------------------------------------------------------------------


def test_the_overview_shows_every_invoice_and_credit_note_the_newest_first(
    lw, h, coordinator, platform
):
    data = ledger(lw, h)
    a, b, c = data["invoices"]
    first_job, second_job = data["jobs"]
    page = coordinator.get(INVOICES)
    assert page.status_code == 200
    assert "Wijkbedrijf: facturen" in page.text
    assert (
        f'<a class="utrecht-link" href="{INVOICES}" aria-current="page">Facturen</a>' in page.text
    )
    assert "3 facturen en creditnota's, de nieuwste eerst" in html.unescape(page.text)
    assert listed(page) == [c["id"], b["id"], a["id"]]

    row = row_of(page, f"factuur-{a['id']}")
    assert f"Factuur {a['number']} (pdf)" in row
    assert f'href="/api/wijkbedrijf/invoices/{a["id"]}/pdf"' in row
    assert "10-03-2026" in row
    assert "Grietje de Vries" in row
    assert f'href="{JOBS}/{first_job}">Klus {first_job}</a>' in row
    assert "€\xa022,50" in row
    assert "Openstaand" in row
    assert "nog te betalen: €\xa018,00" in row  # 22,50 less the credit note's 4,50
    row = row_of(page, f"factuur-{b['id']}")
    assert "Bauke Visser" in row
    assert f'href="{JOBS}/{second_job}"' in row
    assert "Betaald</span> · 12-04-2026" in row
    assert "nog te betalen" not in row
    row = row_of(page, f"factuur-{c['id']}")
    assert f"Creditnota {c['number']} (pdf)" in row
    assert f"correctie op {a['number']}" in row
    assert f'href="{JOBS}/{first_job}"' in row
    assert "€\xa0-4,50" in row
    assert "Verrekend" in row

    totals = html.unescape(page.text.split('id="totalen"', 1)[1].split("</dl>", 1)[0])
    assert "<dt>Gefactureerd</dt><dd>€\xa040,50</dd>" in totals
    assert "<dt>Gecrediteerd</dt><dd>€\xa0-4,50</dd>" in totals
    assert "<dt>Samen</dt><dd>€\xa036,00</dd>" in totals
    assert "<dt>Nog te betalen</dt><dd>€\xa018,00</dd>" in totals
    # The residents shown are named in the access log; the volunteer is not shown.
    assert subjects_of(platform, page) == {data["grietje"], data["bauke"]}
    assert 'id="paginas"' not in page.text  # one page


def test_the_overview_filters_by_status_and_period(lw, h, coordinator):
    a, b, c = ledger(lw, h)["invoices"]
    assert listed(coordinator.get(INVOICES, params={"status": "betaald"})) == [b["id"]]
    assert listed(coordinator.get(INVOICES, params={"status": "open"})) == [a["id"]]
    assert listed(coordinator.get(INVOICES, params={"status": "verrekend"})) == [c["id"]]
    assert listed(coordinator.get(INVOICES, params={"van": "2026-04-01"})) == [c["id"], b["id"]]
    assert listed(coordinator.get(INVOICES, params={"tot": "2026-03-31"})) == [a["id"]]
    both = coordinator.get(INVOICES, params={"van": "2026-04-11", "tot": "2026-04-30"})
    assert listed(both) == [c["id"]]
    assert 'value="2026-04-11"' in both.text  # the filter as chosen
    assert "<dt>Samen</dt><dd>€\xa0-4,50</dd>" in html.unescape(both.text)
    none = coordinator.get(INVOICES, params={"status": "terugbetaald"})
    assert none.status_code == 200
    assert "Geen factuur of creditnota past bij het filter." in none.text
    selected = none.text.split('id="status"', 1)[1].split("</select>", 1)[0]
    assert '<option value="terugbetaald" selected>Terugbetaald</option>' in selected


def test_a_wrong_filter_is_said_next_to_its_field_and_left_out(lw, h, coordinator):
    a, b, c = ledger(lw, h)["invoices"]
    wrong = coordinator.get(INVOICES, params={"van": "gisteren", "status": "betaald"})
    assert wrong.status_code == 422
    assert error_of(wrong, "van") == "Vul een datum in, bijvoorbeeld 01-03-2026."
    assert 'aria-invalid="true"' in wrong.text.split('id="van"', 1)[1].split(">", 1)[0]
    assert listed(wrong) == [b["id"]]  # the status still filters
    status = coordinator.get(INVOICES, params={"status": "weg"})
    assert status.status_code == 422
    assert error_of(status, "status") == "Kies een van de statussen."
    assert listed(status) == [c["id"], b["id"], a["id"]]
    reversed_period = coordinator.get(INVOICES, params={"van": "2026-04-01", "tot": "2026-03-01"})
    assert reversed_period.status_code == 422
    assert error_of(reversed_period, "tot") == "Vul een dag in op of na de eerste dag."
    assert listed(reversed_period) == [c["id"], b["id"]]  # from 1 April on


def test_the_overview_links_the_csv_export_of_the_chosen_period(lw, h, coordinator):
    _a, b, c = ledger(lw, h)["invoices"]
    page = coordinator.get(INVOICES, params={"van": "2026-04-01", "tot": "2026-04-30"})
    link = page.text.split('id="csv-export" href="', 1)[1].split('"', 1)[0]
    assert (
        html.unescape(link) == "/api/wijkbedrijf/invoices/export.csv?from=2026-04-01&to=2026-04-30"
    )
    assert "factuurdatum van 01-04-2026 tot en met 30-04-2026" in page.text
    csv = coordinator.get(html.unescape(link))  # the coordinator's session may use it
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    numbers = [line.split(",")[0] for line in csv.text.splitlines()[1:]]
    assert numbers == [b["number"], c["number"]]
    everything = coordinator.get(INVOICES)
    link = everything.text.split('id="csv-export" href="', 1)[1].split('"', 1)[0]
    assert link == "/api/wijkbedrijf/invoices/export.csv"
    assert len(coordinator.get(link).text.splitlines()) == 4  # the header and three rows


def test_the_overview_is_paged_the_newest_first_with_the_filter_kept(
    lw, h, coordinator, platform, monkeypatch
):
    from noaber_wijkbedrijf.pages import billing

    assert billing.INVOICES_PAGE_SIZE == 50
    monkeypatch.setattr(billing, "INVOICES_PAGE_SIZE", 2)
    data = ledger(lw, h)
    a, b, c = data["invoices"]
    first = coordinator.get(INVOICES, params={"van": "2026-03-01"})
    caption = "3 facturen en creditnota's, de nieuwste eerst (Pagina 1 van 2)"
    assert caption in html.unescape(first.text)
    assert listed(first) == [c["id"], b["id"]]
    pager = html.unescape(first.text.split('id="paginas"', 1)[1].split("</nav>", 1)[0])
    assert f'href="{INVOICES}?van=2026-03-01&pagina=2"' in pager
    assert "Vorige" not in pager
    assert "<dt>Samen</dt><dd>€\xa013,50</dd>" in html.unescape(first.text)  # this page only
    assert subjects_of(platform, first) == {data["grietje"], data["bauke"]}

    second = coordinator.get(INVOICES, params={"van": "2026-03-01", "pagina": "2"})
    assert listed(second) == [a["id"]]
    pager = html.unescape(second.text.split('id="paginas"', 1)[1].split("</nav>", 1)[0])
    assert f'href="{INVOICES}?van=2026-03-01&pagina=1"' in pager
    assert "pagina=3" not in pager
    assert "<dt>Gefactureerd</dt><dd>€\xa022,50</dd>" in html.unescape(second.text)
    assert subjects_of(platform, second) == {data["grietje"]}  # only who is on the page

    for wrong in ("0", "-1", "x"):
        assert listed(coordinator.get(INVOICES, params={"pagina": wrong})) == [c["id"], b["id"]]
    beyond = coordinator.get(INVOICES, params={"pagina": "9"})
    assert beyond.status_code == 200
    assert "Op deze pagina staan geen facturen." in beyond.text


def test_the_overview_reads_a_page_in_the_same_statements_however_many_invoices(
    lw, h, coordinator, platform
):
    data = ledger(lw, h)
    few, _ = statements_of(platform, coordinator, INVOICES)
    volunteer = data["volunteer"]["helper"]
    for n, name in enumerate(("Anneke", "Cor", "Durk")):
        job = worked(lw, h, h.person(lw, name, "Bakker"), volunteer, f"2026-05-{n * 7 + 4:02d}")
        bill = h.ok(h.invoice(lw, job_id=job["id"]))
        credit = {"reason": "Fout", "amount": "1.00"}  # in part: the hours stay invoiced
        h.ok(lw.post(f"{h.base}/invoices/{bill['id']}/credit", json=credit))
    many, _ = statements_of(platform, coordinator, INVOICES)
    assert len(listed(coordinator.get(INVOICES))) == 9
    assert len(many) == len(few), "\n\n".join(s for s in many if s not in few)


# --- a resident's month --------------------------------------------------------------------------


def month_data(lw: Any, h: Any) -> dict[str, Any]:
    """Grietje's two jobs in March and one in April, all with approved hours."""
    volunteer = sjoerd(lw, h)
    grietje = h.person(lw)
    march = [
        worked(lw, h, grietje, volunteer["helper"], "2026-03-03", "2.5")["id"],
        worked(lw, h, grietje, volunteer["helper"], "2026-03-10", "1")["id"],
    ]
    april = worked(lw, h, grietje, volunteer["helper"], "2026-04-07", "2")["id"]
    return {"grietje": grietje, "march": march, "april": april}


def test_a_residents_month_is_invoiced_from_the_overview(lw, h, coordinator, platform):
    data = month_data(lw, h)
    grietje = data["grietje"]
    page = coordinator.get(INVOICES)
    choice = page.text.split('id="person_id"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{grietje}">Grietje de Vries: 03-2026, 04-2026</option>' in choice
    assert subjects_of(platform, page) == {grietje}  # named in the choice

    response = send(coordinator, INVOICES, MONTH, person_id=str(grietje), period="03-2026")
    [bill] = all_invoices(lw, h)
    redirected(response, f"{INVOICES}?gedaan=gefactureerd#factuur-{bill['id']}")
    assert (bill["person_id"], bill["period"], bill["job_id"]) == (grietje, "2026-03", None)
    assert (bill["total"], bill["status"], len(bill["lines"])) == ("31.50", "open", 2)
    assert subjects_of(platform, response) >= {grietje}
    after = coordinator.get(response.headers["location"])
    assert "De factuur is gemaakt." in after.text
    row = row_of(after, f"factuur-{bill['id']}")
    assert "Maand 03-2026: " in row
    for job_id in data["march"]:
        assert f'href="{JOBS}/{job_id}">Klus {job_id}</a>' in row
    choice = after.text.split('id="person_id"', 1)[1].split("</select>", 1)[0]
    assert "Grietje de Vries: 04-2026<" in choice  # March is invoiced
    # The monthly invoice is on each of its jobs' pages.
    assert f"factuur-{bill['id']}" in coordinator.get(f"{JOBS}/{data['march'][1]}").text

    april = send(coordinator, INVOICES, MONTH, person_id=str(grietje), period="2026-04")
    assert april.status_code == 303
    assert [i["period"] for i in all_invoices(lw, h)] == ["2026-03", "2026-04"]
    assert 'id="niets-te-factureren"' in coordinator.get(INVOICES).text


def test_wrong_month_input_is_refused_next_to_the_field_and_nothing_is_stored(lw, h, coordinator):
    grietje = month_data(lw, h)["grietje"]
    empty = send(coordinator, INVOICES, MONTH, person_id="", period="")
    assert empty.status_code == 422
    assert error_of(empty, "person_id") == "Kies de bewoner."
    assert error_of(empty, "period") == "Vul een maand in, bijvoorbeeld 03-2026."
    assert 'href="#period"' in empty.text  # the summary links to the field
    for wrong in ("13-2026", "maart", "2026-00"):
        page = send(coordinator, INVOICES, MONTH, person_id=str(grietje), period=wrong)
        assert page.status_code == 422, wrong
        assert error_of(page, "period") == "Vul een maand in, bijvoorbeeld 03-2026."
        assert f'value="{wrong}"' in page.text  # what was typed stays
        chosen = page.text.split('id="person_id"', 1)[1].split("</select>", 1)[0]
        assert f'<option value="{grietje}" selected>' in chosen
    without = send(coordinator, INVOICES, MONTH, person_id=str(grietje), period="05-2026")
    assert without.status_code == 422
    assert error_of(without, "period") == (
        "Er zijn geen goedgekeurde uren om te factureren. Keur eerst de uren goed."
    )
    assert all_invoices(lw, h) == []
    # No number of the series was used up by the refusals.
    send(coordinator, INVOICES, MONTH, person_id=str(grietje), period="03-2026")
    [bill] = all_invoices(lw, h)
    assert bill["number"].endswith("-00001")


def test_a_month_invoiced_meanwhile_is_refused_in_dutch_and_a_double_submit_stores_once(
    lw, h, coordinator
):
    grietje = month_data(lw, h)["grietje"]
    page = coordinator.get(INVOICES)
    token = form_token(page, MONTH)
    stale = form_token(coordinator.get(INVOICES), MONTH)  # a second tab
    fields = {"person_id": str(grietje), "period": "03-2026"}
    first = coordinator.post(MONTH, data={"form_token": token, **fields}, follow_redirects=False)
    again = coordinator.post(MONTH, data={"form_token": token, **fields}, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert len(all_invoices(lw, h)) == 1
    late = coordinator.post(MONTH, data={"form_token": stale, **fields}, follow_redirects=False)
    assert late.status_code == 409
    assert "Alle goedgekeurde uren zijn al gefactureerd." in alert_of(late)
    assert 'value="03-2026"' in late.text
    assert len(all_invoices(lw, h)) == 1


# --- the refund of a credit note, on the job's page ---------------------------------------------


def refund_url(job_id: int, invoice_id: int) -> str:
    return f"{JOBS}/{job_id}/facturen/{invoice_id}/terugbetaling"


def test_the_refund_of_a_credit_note_on_a_paid_invoice_is_registered(lw, h, coordinator, platform):
    volunteer = sjoerd(lw, h)
    grietje = h.person(lw)
    job = worked(lw, h, grietje, volunteer["helper"], "2026-03-03")
    bill = h.ok(h.invoice(lw, job_id=job["id"]))
    h.ok(lw.post(f"{h.base}/invoices/{bill['id']}/payment", json={"paid_on": bill["issued_on"]}))
    note = h.ok(lw.post(f"{h.base}/invoices/{bill['id']}/credit", json={"reason": "Te duur"}))
    assert note["status"] == "terug_te_betalen"
    url = f"{JOBS}/{job['id']}"
    action = refund_url(job["id"], note["id"])
    field = f"factuur-{note['id']}-terugbetaald"
    page = coordinator.get(url)
    row = row_of(page, f"factuur-{note['id']}")
    assert "De factuur was al betaald: €\xa022,50 moet aan de bewoner worden terugbetaald." in row
    assert f'action="{action}"' in row
    assert "terugbetaling" not in row_of(page, f"factuur-{bill['id']}")  # only credit notes

    early = send(coordinator, url, action, refunded_on="2020-01-01")
    assert early.status_code == 422
    assert error_of(early, field) == (
        f"01-01-2020 ligt vóór de datum van de creditnota, {dutch(note['issued_on'])}."
    )
    assert 'value="2020-01-01"' in early.text.split(f'id="{field}"', 1)[1].split(">", 1)[0]
    empty = send(coordinator, url, action, refunded_on="")
    assert empty.status_code == 422
    assert error_of(empty, field) == "Vul een datum in, bijvoorbeeld 03-03-2026."
    stored = h.ok(lw.get(f"{h.base}/invoices/{note['id']}"), 200)
    assert (stored["status"], stored["paid_on"]) == ("terug_te_betalen", None)

    token = form_token(coordinator.get(url), action)
    stale = form_token(coordinator.get(url), action)  # a second tab
    done = coordinator.post(
        action, data={"form_token": token, "refunded_on": note["issued_on"]}, follow_redirects=False
    )
    redirected(done, f"{url}?gedaan=terugbetaald#facturen")
    stored = h.ok(lw.get(f"{h.base}/invoices/{note['id']}"), 200)
    assert (stored["status"], stored["paid_on"]) == ("terugbetaald", note["issued_on"])
    assert subjects_of(platform, done) >= {grietje}
    after = coordinator.get(f"{url}?gedaan=terugbetaald")
    assert "De terugbetaling is geregistreerd." in after.text
    assert action not in after.text  # nothing left to refund
    late = coordinator.post(
        action, data={"form_token": stale, "refunded_on": note["issued_on"]}, follow_redirects=False
    )
    assert late.status_code == 409
    assert (
        f"Creditnota {note['number']} is al terugbetaald op {dutch(note['issued_on'])}."
        in html.unescape(late.text)
    )
    overview = row_of(coordinator.get(INVOICES), f"factuur-{note['id']}")
    assert f"Terugbetaald</span> · {dutch(note['issued_on'])}" in overview


def test_a_credit_note_on_an_unpaid_invoice_has_nothing_to_refund(lw, h, coordinator):
    volunteer = sjoerd(lw, h)
    job = worked(lw, h, h.person(lw), volunteer["helper"], "2026-03-03")
    bill = h.ok(h.invoice(lw, job_id=job["id"]))
    note = h.ok(lw.post(f"{h.base}/invoices/{bill['id']}/credit", json={"reason": "Te duur"}))
    assert note["status"] == "verrekend"
    action = refund_url(job["id"], note["id"])
    assert action not in coordinator.get(f"{JOBS}/{job['id']}").text
    forced = coordinator.post(
        action,
        data={"form_token": "r" * 32, "refunded_on": note["issued_on"]},
        follow_redirects=False,
    )
    assert forced.status_code == 409
    assert "Creditnota" in html.unescape(forced.text)
    assert "er is niets betaald, dus ook niets terug te betalen" in html.unescape(forced.text)
    other = worked(lw, h, h.person(lw, "Bauke"), volunteer["helper"], "2026-03-10")
    misplaced = coordinator.post(
        refund_url(other["id"], note["id"]),
        data={"form_token": "s" * 32, "refunded_on": note["issued_on"]},
        follow_redirects=False,
    )
    assert misplaced.status_code == 404
    assert h.ok(lw.get(f"{h.base}/invoices/{note['id']}"), 200)["status"] == "verrekend"


# --- volunteer allowances ---------------------------------------------------------------------------


def hours_in(lw: Any, h: Any, helper: int, month: str, days: list[int], per_day: str) -> None:
    """``per_day`` approved hours of ``helper`` on each of ``days`` of ``month`` (2026)."""
    resident = h.person(lw, "Ynte", "Dijkstra")
    job = h.ok(h.job(lw, resident, wished_from=f"2026-{month}-02", wished_until=f"2026-{month}-06"))
    offset = "+02:00" if "04" <= month <= "10" else "+01:00"
    a = h.confirmed(
        lw,
        job["id"],
        helper,
        start=f"2026-{month}-02T08:00:00{offset}",
        end=f"2026-{month}-02T20:00:00{offset}",
    )
    for day in days:
        h.approved(lw, job["id"], a["id"], per_day, on=f"2026-{month}-{day:02d}")


def paid(lw: Any, h: Any) -> list[dict[str, Any]]:
    return list(h.ok(lw.get(f"{h.base}/allowances/"), 200)["items"])


def test_an_allowance_is_paid_and_listed(lw, h, coordinator, platform):
    volunteer = sjoerd(lw, h)
    hours_in(lw, h, volunteer["helper"], "03", [2, 3], "5")  # 10 hours: € 25,00
    page = coordinator.get(ALLOWANCES)
    assert page.status_code == 200
    assert "Wijkbedrijf: vrijwilligersvergoedingen" in page.text
    assert (
        f'<a class="utrecht-link" href="{ALLOWANCES}" aria-current="page">'
        "Vrijwilligersvergoedingen</a>" in page.text
    )
    assert "€\xa02,50 per goedgekeurd uur, hoogstens €\xa0210,00 per maand." in page.text
    choice = page.text.split('id="helper_id"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{volunteer["helper"]}">Sjoerd Hoekstra</option>' in choice
    assert "Nog geen vergoeding uitbetaald." in page.text
    assert volunteer["person"] in subjects_of(platform, page)

    response = send(
        coordinator,
        ALLOWANCES,
        ALLOWANCES,
        helper_id=str(volunteer["helper"]),
        month="03-2026",
        amount="",
        paid_on="2026-04-01",
    )
    [allowance] = paid(lw, h)
    redirected(response, f"{ALLOWANCES}?gedaan=betaald#vergoeding-{allowance['id']}")
    assert (allowance["month"], allowance["amount"], allowance["hours"]) == (
        "2026-03-01",
        "25.00",
        "10.00",
    )
    assert volunteer["person"] in subjects_of(platform, response)
    after = coordinator.get(response.headers["location"])
    assert "De vergoeding is uitbetaald." in after.text
    row = row_of(after, f"vergoeding-{allowance['id']}")
    for text in ("Sjoerd Hoekstra", "03-2026", ">10<", "€\xa025,00", "01-04-2026"):
        assert text in row, text
    assert "Uitbetaald op deze pagina: €\xa025,00" in after.text
    assert volunteer["person"] in subjects_of(platform, after)


def test_wrong_allowance_input_is_refused_next_to_the_field_and_nothing_is_stored(
    lw, h, coordinator
):
    volunteer = sjoerd(lw, h)
    helper = str(volunteer["helper"])
    hours_in(lw, h, volunteer["helper"], "03", [2, 3, 4, 5], "24")  # 96 hours: € 240,00
    empty = send(coordinator, ALLOWANCES, ALLOWANCES, helper_id="", month="", paid_on="")
    assert empty.status_code == 422
    assert error_of(empty, "helper_id") == "Kies een vrijwilliger."
    assert error_of(empty, "month") == "Vul een maand in, bijvoorbeeld 03-2026."
    assert error_of(empty, "paid_on") == "Vul een datum in, bijvoorbeeld 03-03-2026."
    typed = send(
        coordinator, ALLOWANCES, ALLOWANCES, helper_id=helper, month="3-2026", amount="veel",
        paid_on="2026-04-01",
    )  # fmt: skip
    assert typed.status_code == 422
    assert error_of(typed, "amount").startswith("Vul een bedrag in, bijvoorbeeld 52,50")
    assert 'value="veel"' in typed.text
    over = send(
        coordinator, ALLOWANCES, ALLOWANCES, helper_id=helper, month="03-2026", amount="",
        paid_on="2026-04-01",
    )  # fmt: skip
    assert over.status_code == 422
    assert error_of(over, "amount") == (
        "Meer dan het maandmaximum van €\xa0210,00: voor 03-2026 is al €\xa00,00 uitbetaald, "
        "er kan nog hoogstens €\xa0210,00 bij."
    )
    early = send(
        coordinator, ALLOWANCES, ALLOWANCES, helper_id=helper, month="03-2026", amount="10",
        paid_on="2026-02-27",
    )  # fmt: skip
    assert early.status_code == 422
    assert error_of(early, "paid_on") == (
        "Een vergoeding voor 03-2026 wordt op of na 01-03-2026 betaald."
    )
    nothing = send(
        coordinator, ALLOWANCES, ALLOWANCES, helper_id=helper, month="04-2026", amount="",
        paid_on="2026-05-01",
    )  # fmt: skip
    assert nothing.status_code == 422
    assert error_of(nothing, "amount") == (
        "Sjoerd Hoekstra heeft geen goedgekeurde uren in 04-2026: er valt niets uit te betalen."
    )
    assert paid(lw, h) == []

    done = send(
        coordinator, ALLOWANCES, ALLOWANCES, helper_id=helper, month="03-2026", amount="€ 210,00",
        paid_on="2026-04-01",
    )  # fmt: skip
    assert done.status_code == 303
    more = send(
        coordinator, ALLOWANCES, ALLOWANCES, helper_id=helper, month="2026-03", amount="0,01",
        paid_on="2026-04-02",
    )  # fmt: skip
    assert more.status_code == 422
    assert "voor 03-2026 is al €\xa0210,00 uitbetaald, er kan nog hoogstens €\xa00,00 bij" in (
        error_of(more, "amount")
    )
    assert [a["amount"] for a in paid(lw, h)] == ["210.00"]


def test_a_volunteer_who_is_no_person_is_not_paid_an_allowance(lw, h, coordinator):
    volunteer = sjoerd(lw, h)
    hours_in(lw, h, volunteer["helper"], "03", [2], "4")
    helper = h.volunteer(lw, "Alleen een naam")
    hours_in(lw, h, helper, "03", [3], "4")  # € 10,00 earned
    page = coordinator.get(ALLOWANCES)
    choice = page.text.split('id="helper_id"', 1)[1].split("</select>", 1)[0]
    assert f'value="{volunteer["helper"]}"' in choice
    assert f'value="{helper}"' not in choice  # not offered
    sent = send(
        coordinator, ALLOWANCES, ALLOWANCES, helper_id=str(helper), month="03-2026", amount="",
        paid_on="2026-04-01",
    )  # fmt: skip
    assert sent.status_code == 422
    assert error_of(sent, "helper_id") == (
        "Alleen een naam is niet aan een persoon gekoppeld: een vergoeding wordt alleen aan "
        "een persoon uitbetaald."
    )
    assert paid(lw, h) == []


def test_an_allowance_is_not_paid_twice_for_the_same_month(lw, h, coordinator):
    volunteer = sjoerd(lw, h)
    helper = str(volunteer["helper"])
    hours_in(lw, h, volunteer["helper"], "04", [2], "10")  # € 25,00
    fields = {"helper_id": helper, "month": "04-2026", "amount": "", "paid_on": "2026-05-01"}
    assert send(coordinator, ALLOWANCES, ALLOWANCES, **fields).status_code == 303
    twice = send(coordinator, ALLOWANCES, ALLOWANCES, **fields)
    assert twice.status_code == 422
    assert error_of(twice, "amount") == (
        "De vergoeding voor 04-2026 is al uitbetaald: €\xa025,00, alles wat de goedgekeurde uren "
        "toelaten."
    )
    chosen = twice.text.split('id="helper_id"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{helper}" selected>' in chosen  # what was chosen stays
    assert [a["amount"] for a in paid(lw, h)] == ["25.00"]


def test_an_allowance_over_the_yearly_maximum_is_refused(leeuwarden_with, h):
    client = leeuwarden_with(allowance_yearly_cap=Decimal("300.00"))
    volunteer = sjoerd(client, h)
    helper = str(volunteer["helper"])
    hours_in(client, h, volunteer["helper"], "03", [2, 3, 4, 5], "24")
    hours_in(client, h, volunteer["helper"], "04", [6, 7, 8, 9], "24")
    page = client.get(ALLOWANCES)
    assert "Hoogstens €\xa0300,00 per kalenderjaar." in page.text
    march = {"helper_id": helper, "month": "03-2026", "amount": "210", "paid_on": "2026-04-01"}
    assert send(client, ALLOWANCES, ALLOWANCES, **march).status_code == 303
    april = {"helper_id": helper, "month": "04-2026", "amount": "90,01", "paid_on": "2026-05-01"}
    over = send(client, ALLOWANCES, ALLOWANCES, **april)
    assert over.status_code == 422
    assert error_of(over, "amount") == (
        "Meer dan het jaarmaximum van €\xa0300,00: in 2026 is al €\xa0210,00 uitbetaald, er kan nog "
        "hoogstens €\xa090,00 bij."
    )
    assert 'value="90,01"' in over.text
    assert [a["amount"] for a in paid(client, h)] == ["210.00"]
    assert send(client, ALLOWANCES, ALLOWANCES, **{**april, "amount": "90"}).status_code == 303


def test_the_allowances_are_paged_the_latest_month_first(lw, h, coordinator, monkeypatch):
    from noaber_wijkbedrijf.pages import allowances as allowance_pages

    assert allowance_pages.ALLOWANCES_PAGE_SIZE == 50
    monkeypatch.setattr(allowance_pages, "ALLOWANCES_PAGE_SIZE", 1)
    volunteer = sjoerd(lw, h)
    hours_in(lw, h, volunteer["helper"], "03", [2], "4")
    hours_in(lw, h, volunteer["helper"], "04", [7], "4")
    for month, day in (("2026-03", "2026-04-01"), ("2026-04", "2026-05-01")):
        body = {"helper_id": volunteer["helper"], "month": month, "paid_on": day}
        h.ok(lw.post(f"{h.base}/allowances/", json=body))
    march, april = paid(lw, h)
    first = coordinator.get(ALLOWANCES)
    assert "2 vergoedingen, de laatste maand eerst (Pagina 1 van 2)" in first.text
    assert f'id="vergoeding-{april["id"]}"' in first.text
    assert f'id="vergoeding-{march["id"]}"' not in first.text
    assert f'href="{ALLOWANCES}?pagina=2"' in first.text
    second = coordinator.get(ALLOWANCES, params={"pagina": "2"})
    assert f'id="vergoeding-{march["id"]}"' in second.text
    assert f'href="{ALLOWANCES}?pagina=1"' in second.text
    beyond = coordinator.get(ALLOWANCES, params={"pagina": "5"})
    assert "Op deze pagina staan geen vergoedingen." in beyond.text


def test_without_approved_hours_there_is_no_one_to_pay(coordinator):
    page = coordinator.get(ALLOWANCES)
    assert page.status_code == 200
    assert "Nog geen vrijwilliger heeft goedgekeurde uren." in page.text
    assert f'action="{ALLOWANCES}"' not in page.text
    assert 'id="niets-te-factureren"' in coordinator.get(INVOICES).text


# --- who may -----------------------------------------------------------------------------------------


def test_the_bookkeeping_pages_are_for_the_programmes_coordinators_only(lw, h, client_for):
    volunteer = sjoerd(lw, h)
    grietje = h.person(lw)
    worked(lw, h, grietje, volunteer["helper"], "2026-03-03")
    others = [
        client_for("leeuwarden", role="volunteer", helper_id=volunteer["helper"]),
        client_for("leeuwarden", role="resident", person_id=grietje),
        client_for("leeuwarden", role="professional"),
        client_for("leeuwarden", role="coordinator", programme="buurtgezinnen"),
    ]
    posts = {
        MONTH: {"person_id": str(grietje), "period": "03-2026"},
        ALLOWANCES: {
            "helper_id": str(volunteer["helper"]),
            "month": "03-2026",
            "paid_on": "2026-04-01",
        },
    }
    for other in others:
        for path in (INVOICES, ALLOWANCES):
            page = other.get(path)
            assert page.status_code == 403, path
            assert "Geen toegang" in page.text
            assert "Grietje de Vries" not in page.text
        for path, fields in posts.items():
            forged = other.post(
                path, data={"form_token": "f" * 32, **fields}, follow_redirects=False
            )
            assert forged.status_code == 403, path
    assert all_invoices(lw, h) == []
    assert paid(lw, h) == []
    anonymous = client_for("leeuwarden", anonymous=True)
    for path in (INVOICES, ALLOWANCES):
        found = anonymous.get(path, follow_redirects=False)
        assert found.status_code in (302, 303)
        assert found.headers["location"].startswith("/inloggen")
        assert client_for("meppel").get(path).status_code == 404  # no wijkbedrijf there
    assert client_for("leeuwarden").get(INVOICES).status_code == 200  # the municipality admin


def test_the_bookkeeping_messages_in_tables_have_dutch_translations(platform):
    gettext = translations_for(platform.tenants["leeuwarden"].plugins, "nl").gettext
    ids = [
        *STATUS_NAMES.values(),
        *KIND_NAMES.values(),
        *FILTER_MESSAGES.values(),
        *MONTH_MESSAGES.values(),
        *ALLOWANCE_MESSAGES.values(),
        *REFUND_MESSAGES.values(),
    ]
    assert [i for i in ids if gettext(i) == i] == []
    assert gettext(STATUS_NAMES[next(iter(STATUS_NAMES))]) == "Openstaand"
