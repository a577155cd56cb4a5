"""The resident's confirmation mail: sent after the planning is committed, through core's
``mailer`` (the in-process outbox without an SMTP URL, a real SMTP server otherwise), and
recorded on the notification; a refusing or unreachable server never undoes the planning."""

from __future__ import annotations

from typing import Any

from noaber.privacy.subject import ERASED


def _assert_minimal_text(text: str) -> None:
    assert "'tuinonderhoud'" in text
    assert "03-03-2026 van 09:00 tot 12:00" in text
    assert "Sjoerd komt bij u langs" in text
    # Data minimisation: no surname, resident's name, address or (possibly reduced) rate.
    for absent in ("Hoekstra", "Grietje", "de Vries", "Bilgaardpark", "8926", "9,00", "€"):
        assert absent not in text, absent


def test_without_smtp_url_the_mail_lands_in_the_outbox(lw, h):
    outbox = lw.app.state.mailer.outbox
    before = len(outbox)
    job, confirmed = h.plan_and_confirm(lw, h)
    assert confirmed["status"] == "bevestigd"
    assert confirmed["notification"]["delivery"] == "verstuurd"
    assert confirmed["notification"]["sent_at"] is not None
    assert len(outbox) == before + 1
    mail = outbox[-1]
    assert mail.to == "grietje@example.nl"
    assert mail.subject == "Uw klus is ingepland"
    _assert_minimal_text(mail.body)
    stored = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
    assert [(n["delivery"], n["sent_at"] is not None, n["delivery_error"]) for n in stored] == [
        ("verstuurd", True, None)
    ]
    assert stored[0]["text"] == mail.body


def test_a_resident_without_an_e_mail_address_gets_no_mail(lw, h):
    outbox = lw.app.state.mailer.outbox
    before = len(outbox)
    job, confirmed = h.plan_and_confirm(lw, h, email=None)
    assert len(outbox) == before
    note = confirmed["notification"]
    assert (note["channel"], note["delivery"], note["sent_at"]) == ("sms", "geen_emailadres", None)
    stored = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
    assert stored[0]["delivery"] == "geen_emailadres"


def test_the_mail_arrives_at_a_real_smtp_server(platform, make_platform, h):
    with (
        h.smtp_server() as (inbox, port),
        h.leeuwarden_mailing(make_platform, f"smtp://127.0.0.1:{port}") as lw,
    ):
        _, confirmed = h.plan_and_confirm(lw, h)
        assert confirmed["notification"]["delivery"] == "verstuurd"
        assert len(lw.app.state.mailer.outbox) == 0  # really sent, not queued
    [(recipients, message)] = inbox.messages
    assert recipients == ["grietje@example.nl"]
    assert message["To"] == "grietje@example.nl"
    assert message["Subject"] == "Uw klus is ingepland"
    body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
    _assert_minimal_text(body)


def _assert_failed_but_planned(lw: Any, h: Any, job: Any, confirmed: Any, error: str) -> None:
    assert confirmed["status"] == "bevestigd"
    note = confirmed["notification"]
    assert (note["delivery"], note["sent_at"], note["delivery_error"]) == ("mislukt", None, error)
    assert h.ok(lw.get(f"{h.base}/jobs/{job['id']}"), 200)["status"] == "ingepland"
    [stored] = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
    assert (stored["delivery"], stored["delivery_error"]) == ("mislukt", error)


def test_a_refusing_mail_server_keeps_the_planning_and_records_the_failure(
    platform, make_platform, h
):
    with (
        h.smtp_server(refuse=True) as (inbox, port),
        h.leeuwarden_mailing(make_platform, f"smtp://127.0.0.1:{port}") as lw,
    ):
        job, confirmed = h.plan_and_confirm(lw, h)
        _assert_failed_but_planned(lw, h, job, confirmed, "SMTPRecipientsRefused")
    assert inbox.messages == []


def test_an_unreachable_mail_server_keeps_the_planning_and_never_shows_credentials(
    platform, make_platform, h
):
    url = f"smtp://wijkbedrijf:geheim-wachtwoord@127.0.0.1:{h.free_port()}"  # nobody listens
    with h.leeuwarden_mailing(make_platform, url) as lw:
        job, confirmed = h.plan_and_confirm(lw, h)
        _assert_failed_but_planned(lw, h, job, confirmed, "ConnectionRefusedError")
        listed = lw.get(f"{h.base}/jobs/{job['id']}/notifications").text
    assert "geheim" not in listed
    assert "geheim" not in str(confirmed)


def test_erasing_the_volunteer_removes_their_first_name_from_the_residents_message(lw, h):
    resident = h.person(lw, email="grietje@example.nl")
    sam_person = h.person(lw, "Sam", "Visser")
    sam = h.volunteer(lw, "Sam Visser", skills=["samen koken"], person_id=sam_person)
    job = h.ok(h.job(lw, resident, "samen koken"))
    h.confirmed(lw, job["id"], sam)
    erased = lw.post(f"/api/people/{sam_person}/erase", json={"reason": "verzoek"})
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"]["wijkbedrijf_notification"] == 1
    [message] = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
    assert "Sam " not in message["text"]
    assert f"{ERASED} komt bij u langs" in message["text"]
    assert "'samen koken'" in message["text"]  # a whole word only


def test_a_failed_confirmation_is_sent_again_once_the_server_takes_it(platform, make_platform, h):
    with (
        h.smtp_server(refuse=True) as (_refusing, port),
        h.leeuwarden_mailing(make_platform, f"smtp://127.0.0.1:{port}") as lw,
    ):
        job, confirmed = h.plan_and_confirm(lw, h)
        note = confirmed["notification"]
        assert note["delivery"] == "mislukt"
        again = lw.post(f"{h.base}/notifications/{note['id']}/resend")
        assert (again.status_code, again.json()["delivery"]) == (200, "mislukt"), again.text
    with (
        h.smtp_server() as (inbox, port),
        h.leeuwarden_mailing(make_platform, f"smtp://127.0.0.1:{port}") as lw,
    ):
        sent = h.ok(lw.post(f"{h.base}/notifications/{note['id']}/resend"), 200)
        assert (sent["delivery"], sent["delivery_error"]) == ("verstuurd", None)
        assert sent["sent_at"] is not None
        [stored] = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
        assert stored["delivery"] == "verstuurd"
        # Once sent, never twice: the resident gets one mail.
        twice = lw.post(f"{h.base}/notifications/{note['id']}/resend")
        assert twice.status_code == 409, twice.text
        assert twice.headers["content-type"].startswith("application/problem+json")
    [(recipients, message)] = inbox.messages
    assert recipients == ["grietje@example.nl"]
    assert message["Subject"] == "Uw klus is ingepland"


def test_a_confirmation_without_an_address_or_of_another_kind_is_not_resent(lw, h, client_for):
    _, confirmed = h.plan_and_confirm(lw, h, email=None)
    note = confirmed["notification"]
    refused = lw.post(f"{h.base}/notifications/{note['id']}/resend")
    assert refused.status_code == 409, refused.text
    assert "sms or letter" in refused.json()["detail"]
    assert lw.post(f"{h.base}/notifications/999999/resend").status_code == 404
    volunteer = client_for("leeuwarden", role="volunteer")
    assert volunteer.post(f"{h.base}/notifications/{note['id']}/resend").status_code == 403


def test_simultaneous_resends_send_one_mail(platform, make_platform, h):
    """A double click or two coordinators at once: the confirmation is claimed before it
    is sent, so exactly one request mails it and the others answer 409."""
    from concurrent.futures import ThreadPoolExecutor

    with (
        h.smtp_server(refuse=True) as (_refusing, port),
        h.leeuwarden_mailing(make_platform, f"smtp://127.0.0.1:{port}") as lw,
    ):
        _, confirmed = h.plan_and_confirm(lw, h)
    note = confirmed["notification"]
    with (
        h.smtp_server() as (inbox, port),
        h.leeuwarden_mailing(make_platform, f"smtp://127.0.0.1:{port}") as lw,
        ThreadPoolExecutor(8) as pool,
    ):
        url = f"{h.base}/notifications/{note['id']}/resend"
        answers = list(pool.map(lambda _: lw.post(url), range(8)))
    statuses = sorted(a.status_code for a in answers)
    print(f"\n8 simultaneous resends -> {statuses}; mails sent: {len(inbox.messages)}")
    assert statuses.count(200) == 1, [a.text for a in answers]
    assert set(statuses) == {200, 409}
    assert len(inbox.messages) == 1


def test_a_send_cut_off_midway_may_be_claimed_again_later(platform, lw, h):
    from datetime import timedelta

    from noaber.people.models import utcnow
    from noaber.tenancy.context import tenant_scope
    from noaber_wijkbedrijf.models import Delivery, Notification

    _, confirmed = h.plan_and_confirm(lw, h)
    note_id = confirmed["notification"]["id"]

    def stuck_since(minutes: int) -> None:
        with tenant_scope("leeuwarden"), platform.sessions.begin() as session:
            row = session.get(Notification, note_id)
            row.delivery = Delivery.bezig
            row.attempted_at = utcnow() - timedelta(minutes=minutes)
            session.add(row)

    stuck_since(1)  # another request is sending it right now
    busy = lw.post(f"{h.base}/notifications/{note_id}/resend")
    assert busy.status_code == 409, busy.text
    stuck_since(11)  # a process stopped while sending: claimed again
    sent = h.ok(lw.post(f"{h.base}/notifications/{note_id}/resend"), 200)
    assert sent["delivery"] == "verstuurd"
