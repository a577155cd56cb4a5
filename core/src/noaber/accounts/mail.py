"""Outgoing mail for accounts (password-reset links).

Without ``NOABER_SMTP_URL`` messages go to an in-process outbox (``app.state.mail_outbox``),
which tests and the demo read; the log never shows a link or token.
"""

from __future__ import annotations

import logging
import smtplib
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class Mailer:
    def __init__(self, smtp_url: str | None, sender: str = "noreply@noaber.localhost") -> None:
        self.smtp_url = smtp_url
        self.sender = sender
        self.outbox: deque[Mail] = deque(maxlen=1000)

    def send(self, mail: Mail) -> None:
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
        with smtp_class(parts.hostname or "localhost", parts.port or 25, timeout=10) as smtp:
            if parts.scheme == "smtp+starttls":
                smtp.starttls()
            if parts.username:
                smtp.login(parts.username, parts.password or "")
            smtp.send_message(message)
