"""Real receivers for alert deliveries on 127.0.0.1: a webhook (http.server) and an SMTP server
(aiosmtpd), each recording what arrived.

Both record before they answer, so by the time the sender's call has returned the delivery is in
the list: tests never wait for it.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


@dataclass
class WebhookCall:
    content_type: str
    body: dict


class WebhookReceiver:
    """Records the JSON bodies POSTed to it; answers `status` (200 unless a test says otherwise)."""

    def __init__(self):
        self.calls: list[WebhookCall] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                receiver.calls.append(WebhookCall(self.headers.get("Content-Type", ""), json.loads(raw)))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/alerts"

    @property
    def bodies(self) -> list[dict]:
        return [call.body for call in self.calls]

    def __enter__(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@dataclass
class ReceivedMail:
    mail_from: str
    recipients: list[str]
    message: EmailMessage


class _Collector:
    def __init__(self, messages: list[ReceivedMail]):
        self.messages = messages

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos),
                                          message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def free_port() -> int:
    """A port nothing listens on (just now): for an SMTP server, or for one that is not there."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailReceiver:
    """An SMTP server on 127.0.0.1 keeping every message it accepts."""

    def __init__(self):
        self.messages: list[ReceivedMail] = []
        # aiosmtpd's controller checks it is up by connecting to its port, so it needs a real one, not 0.
        self.port = free_port()
        self.controller = Controller(_Collector(self.messages), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "MailReceiver":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
