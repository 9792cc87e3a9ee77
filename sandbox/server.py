"""The sandbox's HTTPS server: a SaaS landing page, a connection webhook, a lead endpoint, a publisher's site.

Everything it receives (leads, webhook calls, customers arriving with a token) is appended to ``received.jsonl``
in its state folder, so its front page shows what the portal sent, also from an earlier run.
"""

import html
import json
import os
import ssl
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

# The paths the portal advertises (outbox/sandbox.py SANDBOX_PATHS); a test holds the two together.
LANDING = "/saas/landing"
WEBHOOK = "/saas/webhook"
LEADS = "/leads"
SITE = "/site/"
RECEIVED = "received.jsonl"
CA_FILE = "ca.pem"
SHOWN = 100  # received calls listed on the front page, newest first
BODY_MAX = 1024 * 1024


class Inbox:
    """What the sandbox received, one JSON line each, in its state folder."""

    def __init__(self, folder: Path):
        self.path = folder / RECEIVED
        self._lock = threading.Lock()

    def add(self, kind: str, path: str, body) -> dict:
        record = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "kind": kind, "path": path, "body": body}
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        return record

    def latest(self, limit: int = SHOWN) -> list[dict]:
        """Return the latest records, newest first."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        records = []
        for line in reversed(lines[-limit:]):
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
        return records


def certificate_context(folder: Path, hosts: tuple[str, ...]) -> ssl.SSLContext:
    """Make a new certificate authority, write its certificate to ``ca.pem`` and return the server's TLS context."""
    import trustme  # a development dependency (the test extras): production never starts the sandbox

    ca = trustme.CA(organization_name="Publisher Portal sandbox")
    partial = folder / f".{CA_FILE}.{os.getpid()}"
    ca.cert_pem.write_to_path(str(partial))
    partial.replace(folder / CA_FILE)  # whole or not at all: the portal may be reading it
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*hosts).configure_cert(context)
    return context


def _page(title: str, body: str) -> bytes:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1f2328}"
        "code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}table{border-collapse:collapse;width:100%}"
        "td,th{border-top:1px solid #d0d7de;padding:.4rem;text-align:left;vertical-align:top}"
        "small{color:#57606a}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    ).encode()


def _summary(record: dict) -> str:
    body = record.get("body")
    if not isinstance(body, dict):
        return ""
    if record["kind"] == "lead":
        customer = body.get("customer") or {}
        email = customer.get("email", "") if isinstance(customer, dict) else ""
        return " ".join(str(part) for part in (body.get("leadId", ""), body.get("offerId", ""), email) if part)
    if record["kind"] == "webhook":
        return " ".join(str(body.get(key, "")) for key in ("action", "offerId", "planId") if body.get(key))
    return " ".join(f"{key}={value}" for key, value in body.items())


class SandboxHandler(BaseHTTPRequestHandler):
    """Answer as the publisher's services; ``server.inbox`` keeps what arrives, ``server.base_url`` names it."""

    server_version = "PublisherSandbox/1.0"

    def do_GET(self):
        path, query = self._path()
        if path == "/":
            self._send(200, _page("Publisher sandbox", self._front_page()))
        elif path == LANDING:
            token = (parse_qs(query).get("token") or [""])[0]
            if token:
                self.server.inbox.add("landing", path, {"token": token})
            self._send(200, _page("Contoso sandbox: activate your subscription", self._landing(token)))
        elif path.startswith(SITE):
            page = html.escape(path[len(SITE) :] or "home")
            self._send(200, _page(f"Contoso sandbox: {page}", f"<p>The publisher's <code>{page}</code> page.</p>"))
        elif path == "/received.json":
            self._send(200, json.dumps(self.server.inbox.latest()).encode(), "application/json")
        else:
            self._send(404, _page("Not found", "<p>The sandbox has no such page.</p>"))

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        path, _query = self._path()
        kind = {WEBHOOK: "webhook", LEADS: "lead"}.get(path)
        if kind is None:
            self._send(404, b'{"error": "not found"}', "application/json")
            return
        length = min(int(self.headers.get("Content-Length") or 0), BODY_MAX)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            self._send(400, b'{"error": "the body is not JSON"}', "application/json")
            return
        self.server.inbox.add(kind, path, body)
        self._send(200, b'{"received": true}', "application/json")

    def log_message(self, format, *args):
        if not self.server.quiet:
            print(f"sandbox: {self.address_string()} {format % args}", flush=True)

    def _path(self) -> tuple[str, str]:
        parts = urlsplit(self.path)
        return parts.path, parts.query

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _front_page(self) -> str:
        base = self.server.base_url
        addresses = "".join(
            f"<tr><td>{label}</td><td><code>{base}{path}</code></td></tr>"
            for label, path in (
                ("Landing page URL (Technical configuration)", LANDING),
                ("Connection webhook (Technical configuration)", WEBHOOK),
                ("Customer leads, HTTPS endpoint (Offer setup)", LEADS),
                ("Any page of your website (listing links)", f"{SITE}privacy"),
            )
        )
        rows = "".join(
            f"<tr><td><small>{html.escape(r['at'])}</small></td><td>{html.escape(r['kind'])}</td>"
            f"<td>{html.escape(_summary(r))}</td></tr>"
            for r in self.server.inbox.latest()
        )
        received = (
            f"<table><tr><th>When (UTC)</th><th>What</th><th>Details</th></tr>{rows}</table>"
            if rows
            else "<p><small>Nothing yet. Validate a lead destination or publish an offer that uses these "
            "addresses.</small></p>"
        )
        return (
            "<p>This sandbox plays a publisher's own services for the portal of <code>make run</code>, on this "
            "machine only. Use these addresses in your offer:</p>"
            f"<table>{addresses}</table><h2>Received</h2>{received}"
        )

    def _landing(self, token: str) -> str:
        if not token:
            return "<p>Customers arrive here from the marketplace with a <code>?token=</code> after a purchase.</p>"
        return (
            "<p>A customer arrived with a purchase token. A real landing page would now resolve it and activate the "
            "subscription with the marketplace's SaaS Fulfillment API v2 (POST /api/saas/subscriptions/resolve, "
            "then /activate, with a bearer token from /api/oauth2/token) and set up the customer's account.</p>"
            f"<p><small>Token: <code>{html.escape(token[:40])}…</code></small></p>"
        )


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    quiet = False  # log no request (while a command runs beside it)

    def __init__(self, address, folder: Path, context: ssl.SSLContext):
        super().__init__(address, SandboxHandler)
        self.context = context
        self.inbox = Inbox(folder)
        self.ca_path = folder / CA_FILE
        host, port = self.server_address[:2]
        self.base_url = f"https://{host}:{port}"

    def get_request(self):
        """Accept a connection; its TLS handshake happens in its own thread, so a slow client blocks no other."""
        connection, address = self.socket.accept()
        return self.context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request, client_address):
        """Say in one line why a connection failed (a browser that does not trust the sandbox's CA, mostly)."""
        print(f"sandbox: {client_address[0]} connection failed: {sys.exc_info()[1]!r}", flush=True)


def sandbox_server(host: str, port: int, folder: Path) -> SandboxServer:
    """Make the CA and the server on (host, port); port 0 takes a free one. Serve it with ``serve_forever``."""
    folder.mkdir(parents=True, exist_ok=True)
    return SandboxServer((host, port), folder, certificate_context(folder, (host, "localhost")))
