"""Outgoing HTTPS requests to publishers' endpoints: https only, short timeouts, the private-address policy."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from outbox.addresses import address_problem, host_problem


class OutboundRefused(Exception):
    """The URL may not be requested (not https, or it points into a private network)."""


@dataclass(frozen=True)
class OutboundResult:
    ok: bool
    status: int | None
    detail: str


def outbound_check_url(url: str) -> None:
    """Refuse a URL that is not https, or whose host is or resolves to an address the private-address policy
    refuses (outbox.addresses)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise OutboundRefused(_("Only https URLs are allowed: %(url)s") % {"url": url})
    if host_problem(parts.hostname, allow_configured=True):
        raise OutboundRefused(_("%(host)s is a private or reserved address.") % {"host": parts.hostname})
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise OutboundRefused(_("The host %(host)s could not be resolved.") % {"host": parts.hostname}) from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address_problem(address, allow_configured=True):
            raise OutboundRefused(
                _("%(host)s points to a private or reserved address (%(address)s).")
                % {"host": parts.hostname, "address": address}
            )


def outbound_request(method: str, url: str, *, json=None, headers=None) -> OutboundResult:
    """Send one request to a publisher's endpoint; any 2xx or 3xx answer counts as reachable."""
    try:
        outbound_check_url(url)
        response = requests.request(
            method,
            url,
            json=json,
            headers={"User-Agent": "PublisherPortal/1.0", **(headers or {})},
            timeout=settings.OUTBOUND_TIMEOUT,
            allow_redirects=False,
            verify=settings.OUTBOUND_CA_BUNDLE or True,
        )
    except OutboundRefused as error:
        return OutboundResult(False, None, str(error))
    except requests.exceptions.SSLError:
        return OutboundResult(False, None, _("The TLS certificate of %(url)s is not valid.") % {"url": url})
    except requests.exceptions.Timeout:
        return OutboundResult(False, None, _("%(url)s did not answer within the time limit.") % {"url": url})
    except requests.exceptions.RequestException as error:
        return OutboundResult(
            False,
            None,
            _("%(url)s could not be reached (%(error)s).") % {"url": url, "error": error.__class__.__name__},
        )
    ok = 200 <= response.status_code < 400
    return OutboundResult(
        ok, response.status_code, _("%(url)s answered %(status)d.") % {"url": url, "status": response.status_code}
    )
