"""Outgoing HTTPS requests to publishers' endpoints: https only, short timeouts, the private-address policy.

A request that fails because the name does not resolve or no connection opens is marked ``network_error``;
``outbound_network_down`` tells whether the whole machine is offline, so checks can say "could not be verified:
no network" instead of blaming the publisher (certification.checks.base). Requests to the publisher sandbox of
`make run` trust its own CA, and only those requests do.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from outbox.addresses import address_problem, destination_problem, host_problem, sandbox_admitted


class OutboundRefused(Exception):
    """The URL may not be requested (not https, or it points into a private network)."""


class OutboundUnresolved(OutboundRefused):
    """The URL's host name does not resolve (a missing name, or no network on this machine)."""


@dataclass(frozen=True)
class OutboundResult:
    ok: bool
    status: int | None
    detail: str
    # The name did not resolve or no connection opened to an outside address: this machine may have no network.
    network_error: bool = False
    # The first characters of the answer's body, and how long the request took (for delivery logs).
    excerpt: str = ""
    duration_ms: int = 0
    # Not tried at all: the message waits for an earlier one of its group (outbox.services).
    deferred: bool = False


EXCERPT_CHARS = 500


def outbound_check_url(url: str) -> None:
    """Refuse a URL that is not https, or whose host is or resolves to an address the private-address policy
    refuses (outbox.addresses); the publisher sandbox's own address is admitted."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise OutboundRefused(_("Only https URLs are allowed: %(url)s") % {"url": url})
    if destination_problem(parts.hostname, url, allow_configured=True):
        raise OutboundRefused(_("%(host)s is a private or reserved address.") % {"host": parts.hostname})
    if sandbox_admitted(url):
        return  # the one private address admitted: nothing to resolve
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise OutboundUnresolved(_("The host %(host)s could not be resolved.") % {"host": parts.hostname}) from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address_problem(address, allow_configured=True):
            raise OutboundRefused(
                _("%(host)s points to a private or reserved address (%(address)s).")
                % {"host": parts.hostname, "address": address}
            )


def _verify(url: str):
    """Return what TLS certificates of the URL are checked against: the sandbox's CA for the sandbox only."""
    if sandbox_admitted(url):
        return str(settings.OUTBOUND_SANDBOX_CA)
    return settings.OUTBOUND_CA_BUNDLE or True


def _outside(url: str) -> bool:
    """Return whether the URL names an outside address, whose failure may mean this machine has no network.

    A sandbox or a local endpoint that does not answer is not a machine without network.
    """
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return bool(host) and not sandbox_admitted(url) and not host_problem(host)


def outbound_request(method: str, url: str, *, json=None, content: bytes | None = None, headers=None) -> OutboundResult:
    """Send one request to a publisher's endpoint; any 2xx or 3xx answer counts as reachable.

    ``content`` sends exact bytes (a signed webhook body); ``json`` lets requests encode the value.
    """
    started = time.monotonic()
    result = _request(method, url, json=json, content=content, headers=headers)
    return OutboundResult(
        result.ok,
        result.status,
        result.detail,
        network_error=result.network_error,
        excerpt=result.excerpt,
        duration_ms=round((time.monotonic() - started) * 1000),
    )


def _request(method: str, url: str, *, json, content, headers) -> OutboundResult:
    outside = _outside(url)
    try:
        outbound_check_url(url)
        response = requests.request(
            method,
            url,
            json=json,
            data=content,
            headers={"User-Agent": "PublisherPortal/1.0", **(headers or {})},
            timeout=settings.OUTBOUND_TIMEOUT,
            allow_redirects=False,
            verify=_verify(url),
        )
    except OutboundUnresolved as error:
        return OutboundResult(False, None, str(error), network_error=outside)
    except OutboundRefused as error:
        return OutboundResult(False, None, str(error))
    except requests.exceptions.SSLError:
        return OutboundResult(False, None, _("The TLS certificate of %(url)s is not valid.") % {"url": url})
    except requests.exceptions.ConnectTimeout:
        return OutboundResult(
            False, None, _("%(url)s did not accept a connection in time.") % {"url": url}, network_error=outside
        )
    except requests.exceptions.Timeout:
        return OutboundResult(False, None, _("%(url)s did not answer within the time limit.") % {"url": url})
    except requests.exceptions.RequestException as error:
        return OutboundResult(
            False,
            None,
            _("%(url)s could not be reached (%(error)s).") % {"url": url, "error": error.__class__.__name__},
            network_error=outside and isinstance(error, requests.exceptions.ConnectionError),
        )
    except OSError as error:  # requests raises it for a CA bundle it cannot read (a sandbox that never started)
        return OutboundResult(
            False, None, _("%(url)s could not be reached (%(error)s).") % {"url": url, "error": error}
        )
    ok = 200 <= response.status_code < 400
    return OutboundResult(
        ok,
        response.status_code,
        _("%(url)s answered %(status)d.") % {"url": url, "status": response.status_code},
        excerpt=response.text[:EXCERPT_CHARS],
    )


def outbound_network_down() -> bool:
    """Return whether this machine reaches no outside address.

    Ask once per check run, after a request failed with ``network_error``: the probe (``OUTBOUND_NETWORK_PROBE``,
    host:port) is resolved and a TCP connection opened to it; it is down when the name does not resolve or no
    address of it accepts a connection.
    """
    host, _sep, port = settings.OUTBOUND_NETWORK_PROBE.rpartition(":")
    try:
        infos = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError):
        return True
    for family, kind, proto, _name, address in infos:
        try:
            with socket.socket(family, kind, proto) as probe:
                probe.settimeout(settings.OUTBOUND_TIMEOUT)
                probe.connect(address)
        except OSError:
            continue
        return False
    return True
