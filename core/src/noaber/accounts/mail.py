"""Outgoing mail (password-reset links, plugins' messages to residents).

Handlers get the platform's :class:`Mailer` as the dependency ``mailer``. Without
``NOABER_SMTP_URL`` messages go to its in-process outbox (``mailer.outbox``), which tests
and the demo read; the log never shows a link, token or body.

Sending talks to a mail server: commit first (never hold a database transaction open
while sending), and call :meth:`Mailer.send` from a sync handler (``sync_to_thread=True``
runs it in a worker thread) or ``await`` :meth:`Mailer.send_async` from an async one.
"""

from __future__ import annotations

import logging
import smtplib
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

from anyio.to_thread import run_sync

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class MailNotSent(Exception):
    """The mail server refused the message or could not be reached. ``reason`` is only
    the class name of the underlying error (e.g. ``SMTPRecipientsRefused``,
    ``ConnectionRefusedError``): safe to store, it never holds the server's URL,
    credentials or the message.

    ``permanent`` is true when the server refused every recipient for good (an SMTP
    ``5xx`` answer to ``RCPT``, such as ``550 mailbox unavailable``): sending the same
    message again will not help. Anything else (an unreachable server, a ``4xx``
    answer, a dropped connection) may pass on a later try."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def refused_for_good(exc: BaseException) -> bool:
    """Whether ``exc`` is a refusal of every recipient with a permanent (``5xx``) code."""
    if not isinstance(exc, smtplib.SMTPRecipientsRefused) or not exc.recipients:
        return False
    return all(code >= 500 for code, _message in exc.recipients.values())


class Mailer:
    def __init__(self, smtp_url: str | None, sender: str = "noreply@noaber.localhost") -> None:
        self.smtp_url = smtp_url
        self.sender = sender
        self.outbox: deque[Mail] = deque(maxlen=1000)

    def send(self, mail: Mail) -> None:
        """Deliver ``mail`` (blocking: call it outside a transaction, in a worker thread).
        Raises :class:`MailNotSent` when the mail server refuses it or is unreachable."""
        if not self.smtp_url:
            self.outbox.append(mail)
            log.info("mail queued in the in-process outbox: %r", mail.subject)
            return
        parts = urlsplit(self.smtp_url)
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message.set_content(mail.body)
        smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        try:
            with smtp_class(parts.hostname or "localhost", parts.port or 25, timeout=10) as smtp:
                if parts.scheme == "smtp+starttls":
                    smtp.starttls()
                if parts.username:
                    smtp.login(parts.username, parts.password or "")
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            reason = type(exc).__name__
            log.warning("mail not sent (%s): %r", reason, mail.subject)
            raise MailNotSent(reason, permanent=refused_for_good(exc)) from None

    async def send_async(self, mail: Mail) -> None:
        """:meth:`send` in a worker thread, for async handlers."""
        await run_sync(self.send, mail)
