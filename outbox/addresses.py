"""The private-address policy: which hosts and addresses the portal may send to, and a check may accept.

One policy for the outbound client (every request to a publisher's endpoint) and the network destinations check
(every URL written in an offer). Loopback, private, link-local, multicast and reserved addresses are refused, and
cloud metadata endpoints always; the networks in ``settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS`` are allowed for
test setups where a publisher's endpoint runs on the same machine. The publisher sandbox of `make run`
(outbox.sandbox, only with ``DEBUG``) is admitted by its exact address (scheme, host and port), and nothing
else of the machine with it.
"""

import ipaddress
import re
import socket

from django.conf import settings

from outbox.sandbox import is_sandbox_url

METADATA = "metadata"
PRIVATE = "private"

METADATA_ADDRESSES = {ipaddress.ip_address(a) for a in ("169.254.169.254", "100.100.100.200", "fd00:ec2::254")}
METADATA_HOSTS = {"metadata.google.internal", "metadata.azure.internal", "metadata"}
PRIVATE_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".intranet", ".lan")
_HOSTNAME = re.compile(r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*")
_NUMERIC_IPV4 = re.compile(r"(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}")


def allowed_private(address) -> bool:
    """Return whether the address lies in a network the operators allowed (OUTBOUND_ALLOWED_PRIVATE_NETWORKS)."""
    networks = getattr(settings, "OUTBOUND_ALLOWED_PRIVATE_NETWORKS", None) or []
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


def sandbox_admitted(url: str) -> bool:
    """Return whether the URL is the publisher sandbox's own address, admitted although it is private."""
    return is_sandbox_url(url)


def ip_literal(host: str):
    """Return the IP address a host literal names (also 2130706433, 0x7f.1, 127.1, [::ffff:…]), or None."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if not _NUMERIC_IPV4.fullmatch(host):
            return None
        try:  # the forms browsers and libc also accept
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def address_problem(address, *, allow_configured: bool) -> str:
    """Return why an address may not be a destination (METADATA or PRIVATE), or an empty string."""
    if address in METADATA_ADDRESSES:
        return METADATA
    if address.is_global and not address.is_multicast:
        return ""
    return "" if allow_configured and allowed_private(address) else PRIVATE


def host_problem(host: str, *, allow_configured: bool = False) -> str:
    """Return why a host may not be a destination (METADATA or PRIVATE), or an empty string.

    Decided on the literal alone, never by DNS, so the result is the same on every run; the outbound client
    also checks every address the name resolves to.
    """
    host = host.lower().rstrip(".")
    address = ip_literal(host)
    if address is not None:
        return address_problem(address, allow_configured=allow_configured)
    if not _HOSTNAME.fullmatch(host):
        return ""  # a template expression or placeholder, not a host name
    if host in METADATA_HOSTS:
        return METADATA
    if host in PRIVATE_NAMES or host.endswith(PRIVATE_SUFFIXES):
        loopback = host in PRIVATE_NAMES or host.endswith(".localhost")
        if allow_configured and loopback and allowed_private(ipaddress.ip_address("127.0.0.1")):
            return ""
        return PRIVATE
    return PRIVATE if "." not in host else ""


def destination_problem(host: str, url: str = "", *, allow_configured: bool = False) -> str:
    """Return why a destination may not be used (METADATA or PRIVATE), or an empty string.

    The host is judged by ``host_problem``; where the operators' allowances count (``allow_configured``), the
    publisher sandbox's exact address (``url``) is admitted too, never elsewhere (inside a package, say).
    """
    if allow_configured and url and sandbox_admitted(url):
        return ""
    return host_problem(host, allow_configured=allow_configured)
