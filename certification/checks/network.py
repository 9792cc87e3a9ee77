"""Network destinations in the configuration and the packages: https only, no private or reserved hosts."""

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from certification.checks.archives import (
    FileUnreadable,
    archive_members,
    file_looks_like_zip,
    member_text,
    snapshot_file_open,
    unreadable_finding,
)
from certification.checks.base import Finding, StepContext
from outbox.addresses import METADATA, PRIVATE, destination_problem

POLICY = "100.11"
INSECURE_SCHEMES = {"http", "ftp", "ws", "telnet", "tftp", "ldap", "gopher"}
_URL = re.compile(r"\b(?P<scheme>https?|ftps?|wss?|telnet|tftp|ldaps?|gopher)://(?P<rest>[^\s\"'<>`\\|{}^]*)", re.I)
# Addresses written without a scheme count as destinations when they name a port, or are a metadata endpoint.
_BARE = re.compile(
    r"(?<![\w.:/@-])(?P<host>localhost|\d{1,3}(?:\.\d{1,3}){3}):(?P<port>\d{1,5})\b"
    r"|(?<![\w.:])(?P<metadata>169\.254\.169\.254|100\.100\.100\.200|fd00:ec2::254)(?![\w.])",
    re.I,
)
# Identifiers that look like URLs but are never fetched (XML namespaces, JSON Schema ids).
NAMESPACE_HOSTS = {
    "www.w3.org",
    "w3.org",
    "json-schema.org",
    "schemas.microsoft.com",
    "schemas.xmlsoap.org",
    "schemas.openxmlformats.org",
    "purl.org",
    "ns.adobe.com",
}
_TRAILING = ".,;:)]}!?"


@dataclass(frozen=True)
class Destination:
    """A URL or host:port written somewhere in the snapshot; ``line`` is its line in a package file."""

    text: str
    scheme: str
    host: str
    line: int = 0


def destinations(text: str) -> Iterator[Destination]:
    """Yield every URL, host:port and metadata address written in the text."""
    spans = []
    for match in _URL.finditer(text):
        spans.append(match.span())
        url = match.group(0).rstrip(_TRAILING)
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        yield Destination(url, match.group("scheme").lower(), host.rstrip("."), _line(text, match.start()))
    for match in _BARE.finditer(text):
        if any(start <= match.start() < end for start, end in spans):
            continue
        host = match.group("host") or match.group("metadata")
        yield Destination(match.group(0), "", host.lower(), _line(text, match.start()))


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _findings_for(dest: Destination, where: str, page: str, field: str, *, allow_configured: bool) -> list[Finding]:
    findings = []
    if dest.scheme in INSECURE_SCHEMES and dest.host not in NAMESPACE_HOSTS:
        findings.append(
            Finding(
                "network.insecure_url",
                _("%(where)s uses %(url)s, which is not encrypted. Use an https address instead.")
                % {"where": where, "url": dest.text},
                policy=POLICY,
                page=page,
                field=field,
            )
        )
    problem = destination_problem(dest.host, dest.text, allow_configured=allow_configured) if dest.host else ""
    if problem == METADATA:
        message = _(
            "%(where)s points to %(url)s, a cloud instance metadata endpoint. Remove it: offers may not reach "
            "the metadata service of the machines they run on."
        )
    elif problem == PRIVATE:
        message = _(
            "%(where)s points to %(url)s, a private, loopback, link-local or reserved address that customers "
            "cannot reach. Use a public https address instead."
        )
    else:
        return findings
    findings.append(
        Finding(
            "network.private_destination",
            message % {"where": where, "url": dest.text},
            policy=POLICY,
            page=page,
            field=field,
        )
    )
    return findings


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _configuration(ctx: StepContext) -> Iterator[tuple[str, str, str]]:
    """Yield (page key, field name, text) for every text value of the pages and plans."""
    for page_key, data in (ctx.snapshot.get("pages") or {}).items():
        for name, value in data.items():
            for text in _strings(value):
                yield page_key, name, text
    for plan in ctx.plans:
        for name, value in (plan.get("data") or {}).items():
            for text in _strings(value):
                yield f"plan:{plan['plan_id']}", name, text


def check_network_destinations(ctx: StepContext) -> list[Finding]:
    """Refuse unencrypted URLs and private, loopback, link-local, reserved or metadata destinations."""
    findings: dict[tuple, Finding] = {}

    def add(new: list[Finding]) -> None:
        for finding in new:
            findings.setdefault((finding.code, finding.page, finding.field, finding.message), finding)

    for page, field, text in _configuration(ctx):
        for dest in destinations(text):
            add(_findings_for(dest, _("This field"), page, field, allow_configured=True))
    for file_id, record in ctx.files():
        try:
            with snapshot_file_open(ctx, file_id) as handle:
                if file_looks_like_zip(handle, record.get("content_type", "")):
                    add(_package_findings(ctx, file_id, record, handle))
        except FileUnreadable as error:
            add([_unreadable(ctx, file_id, record, error)])
    return list(findings.values())


def _package_findings(ctx, file_id, record, handle) -> list[Finding]:
    page, field = ctx.file_location(file_id)
    name = record.get("name") or str(file_id)
    found = []
    try:
        for member in archive_members(handle):
            text = member_text(member.data) if member.data is not None else None
            if text is None:
                continue
            for dest in destinations(text):
                where = _("The package %(name)s, in %(member)s line %(line)d,") % {
                    "name": name,
                    "member": member.path,
                    "line": dest.line,
                }
                found.extend(_findings_for(dest, where, page, field, allow_configured=False))
    except zipfile.BadZipFile:
        return []  # the package check reports an archive that cannot be opened
    return found


def _unreadable(ctx, file_id, record, error: FileUnreadable) -> Finding:
    page, field = ctx.file_location(file_id)
    message = _(
        "The file %(name)s could not be read on our side to analyse its network destinations. This is not a problem "
        "with your offer; our operators have been alerted. You can publish again at any time."
    ) % {"name": record.get("name") or file_id}
    return unreadable_finding(ctx, error, "network.unreadable", message, policy=POLICY, page=page, field=field)
