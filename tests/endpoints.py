"""Local HTTPS and HTTP endpoint servers that record what publishers' endpoints would receive."""

import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Endpoint:
    """A local server; ``status`` is what it answers, ``requests`` what it received."""

    base_url: str
    status: int = 200
    requests: list = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return f"{self.base_url}{path}"

    def received(self, method: str | None = None, path: str | None = None) -> list:
        return [
            r
            for r in self.requests
            if (method is None or r["method"] == method) and (path is None or r["path"] == path)
        ]


def endpoint_serve(*, tls_context: ssl.SSLContext | None = None):
    """Start a threaded server on a free port of 127.0.0.1; return (endpoint, stop)."""
    endpoint = Endpoint(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def _record(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = None
            endpoint.requests.append(
                {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body, "json": parsed}
            )
            self.send_response(endpoint.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        do_GET = do_POST = do_HEAD = do_PUT = _record

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if tls_context is not None:
        server.socket = tls_context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    endpoint.base_url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return endpoint, stop
