"""E-mail notices over SMTP (STARTTLS, SSL or plain, per SMTP_SECURITY), .ics attached."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from typing import Literal

from booking.notify.channels import Contact, DeliveryFailed, Outgoing
from booking.notify.settings import NotifySettings


class SmtpChannel:
    """Send each notice as one e-mail through one SMTP server, a connection per message."""

    name: Literal["email"] = "email"

    def __init__(self, settings: NotifySettings, *, tls: ssl.SSLContext | None = None) -> None:
        """Send through the server the settings name; `tls` overrides the system's trust."""
        if not settings.smtp_host or not settings.smtp_from:
            raise ValueError("e-mail needs SMTP_HOST and SMTP_FROM")
        self._host, self._port = settings.smtp_host, settings.port()
        self._security = settings.smtp_security
        self._user = settings.smtp_user
        self._password = settings.smtp_password
        self._timeout = settings.smtp_timeout_seconds
        self._tls = tls or ssl.create_default_context()
        self.sender = settings.smtp_from

    @property
    def sender_address(self) -> str:
        """Return the bare address of the sender (the calendar file's ORGANIZER)."""
        return parseaddr(self.sender)[1]

    def reaches(self, contact: Contact) -> bool:
        """Return True when the caller has an e-mail address."""
        return bool(contact.email)

    def send(self, contact: Contact, outgoing: Outgoing) -> str:
        """Send the e-mail; return its Message-ID."""
        if not contact.email:
            raise DeliveryFailed("the caller has no e-mail address")
        message = self.build(contact.email, outgoing)
        try:
            with self._connect() as server:
                if self._user and self._password is not None:
                    server.login(self._user, self._password.get_secret_value())
                server.send_message(message)
        except smtplib.SMTPAuthenticationError as error:
            raise DeliveryFailed(f"SMTP login refused ({error.smtp_code})") from None
        except smtplib.SMTPResponseException as error:
            raise DeliveryFailed(f"SMTP refused: {error.smtp_code}") from None
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryFailed("SMTP refused the recipient") from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"SMTP {type(error).__name__}: {error}") from None
        return str(message["Message-ID"])

    def build(self, to: str, outgoing: Outgoing) -> EmailMessage:
        """Return the e-mail: subject, plain-text body, and the calendar file if any."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = outgoing.message.subject
        message["Message-ID"] = make_msgid(domain=self.sender_address.rpartition("@")[2] or None)
        message.set_content(outgoing.message.body)
        if outgoing.ics is not None:
            message.add_attachment(
                outgoing.ics,
                maintype="text",
                subtype="calendar",
                filename="appointment.ics",
                params={"method": outgoing.ics_method, "charset": "utf-8"},
            )
        return message

    def _connect(self) -> smtplib.SMTP:
        if self._security == "ssl":
            return smtplib.SMTP_SSL(
                self._host, self._port, timeout=self._timeout, context=self._tls
            )
        server = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        if self._security == "starttls":
            try:
                server.starttls(context=self._tls)
            except BaseException:
                server.close()
                raise
        return server
