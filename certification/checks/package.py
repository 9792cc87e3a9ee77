"""Package analysis: Azure Application and test drive zips, their entries, templates and createUiDefinition."""

import dataclasses
import json
import re
import zipfile

from django.utils.translation import gettext as _

from certification.checks.archives import (
    READ_ERRORS,
    FileUnreadable,
    archive_limits,
    is_bomb_member,
    is_encrypted,
    is_symlink,
    is_unsafe_path,
    snapshot_file_open,
    unreadable_finding,
)
from certification.checks.base import Finding, StepContext
from offers.models import Plan

PACKAGE_POLICY = "300.1"
TEMPLATE_POLICY = "300.2"
UI_POLICY = "300.3"
MAIN_TEMPLATE = "mainTemplate.json"
UI_DEFINITION = "createUiDefinition.json"
TEST_DRIVE_TEMPLATE = "main-template.json"  # offers.forms.test_drive.ARM_TEMPLATE_FILE
UI_HANDLER = "Microsoft.Azure.CreateUIDef"
ARM_TYPES = {"string", "securestring", "int", "bool", "object", "secureobject", "array"}
_CONTENT_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+){3}")
TEMPLATE_MAX_BYTES = 4 * 1024 * 1024  # Azure Resource Manager refuses larger templates
NAMES_SHOWN_MAX = 5


@dataclasses.dataclass(frozen=True)
class _Location:
    """A package by its file name, the page and field that use it; makes the findings about it."""

    name: str
    page: str
    field: str

    def finding(self, code: str, policy: str, message: str, **params) -> Finding:
        return Finding(code, message % {"name": self.name, **params}, policy=policy, page=self.page, field=self.field)


def check_package(ctx: StepContext) -> list[Finding]:
    """Analyse every Azure Application plan package and the test drive's ARM template package."""
    findings = []
    if ctx.offer_type == "azure_application":
        for plan in ctx.plans:
            if plan.get("status") not in Plan.INACTIVE:
                findings.extend(_check_one(ctx, plan["data"].get("package"), f"plan:{plan['plan_id']}", "package"))
    test_drive = ctx.page("test_drive")
    if test_drive and (test_drive.get("arm_template") or test_drive.get("test_drive_type") == "azure_resource_manager"):
        findings.extend(_check_one(ctx, test_drive.get("arm_template"), "test_drive", "arm_template"))
    return findings


def _check_one(ctx, file_id, page: str, field: str) -> list[Finding]:
    record = (ctx.snapshot.get("files") or {}).get(str(file_id)) if file_id is not None else None
    if record is None:
        message = _("The package is missing. Upload a .zip package.")
        return [Finding("package.missing", message, policy=PACKAGE_POLICY, page=page, field=field)]
    where = _Location(record.get("name") or str(file_id), page, field)
    try:
        with snapshot_file_open(ctx, file_id) as handle:
            return _check_archive(handle, where)
    except FileUnreadable as error:
        message = _(
            "The package %(name)s could not be read on our side. This is not a problem with your offer; our "
            "operators have been alerted. You can publish again at any time."
        ) % {"name": where.name}
        return [
            unreadable_finding(ctx, error, "package.unreadable", message, policy=PACKAGE_POLICY, page=page, field=field)
        ]


def _check_archive(handle, where: _Location) -> list[Finding]:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, *READ_ERRORS):
        return [where.finding("package.not_zip", PACKAGE_POLICY, _("%(name)s is not a readable zip archive."))]
    with archive:
        problems = _entry_problems(archive, where)
        if problems:
            return problems
        if where.field == "arm_template":
            template, found = _read_json(archive, TEST_DRIVE_TEMPLATE, where, TEMPLATE_POLICY)
            return found or _template_problems(template, where, TEST_DRIVE_TEMPLATE)
        return _azure_app_problems(archive, where)


def _entry_problems(archive: zipfile.ZipFile, where: _Location) -> list[Finding]:
    """Refuse zip bombs, too many entries, and entries that are unsafe to extract."""
    limits = archive_limits()
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        message = _("%(name)s has %(count)d entries; a package may have at most %(max)d.")
        return [
            where.finding("package.too_many_entries", PACKAGE_POLICY, message, count=len(infos), max=limits.max_members)
        ]
    total = sum(info.file_size for info in infos)
    bombs = [info.filename for info in infos if is_bomb_member(info, limits)]
    findings = []
    if bombs or total > limits.max_total_bytes:
        message = _(
            "%(name)s expands far beyond its size (%(members)s): at most %(ratio)d:1 per file and %(max)d MB "
            "in total are allowed. Remove the oversized files."
        )
        members = _names(bombs) or _("%(mb)d MB in total") % {"mb": total // 2**20}
        megabytes = limits.max_total_bytes // 2**20
        params = {"members": members, "ratio": limits.max_ratio, "max": megabytes}
        findings.append(where.finding("package.zip_bomb", PACKAGE_POLICY, message, **params))
    checks = [
        (
            "package.unsafe_path",
            lambda info: is_unsafe_path(info.filename),
            _("%(name)s has entries whose paths leave the package: %(members)s."),
        ),
        ("package.symlink", is_symlink, _("%(name)s has symbolic links, which are not allowed: %(members)s.")),
        (
            "package.encrypted",
            is_encrypted,
            _("%(name)s has encrypted entries, which cannot be analysed: %(members)s."),
        ),
    ]
    for code, test, message in checks:
        names = [info.filename for info in infos if test(info)]
        if names:
            findings.append(where.finding(code, PACKAGE_POLICY, message, members=_names(names)))
    return findings


def _names(names: list[str]) -> str:
    shown = ", ".join(repr(name) for name in names[:NAMES_SHOWN_MAX])
    more = len(names) - NAMES_SHOWN_MAX
    return shown + (_(" and %(count)d more") % {"count": more} if more > 0 else "")


def _read_json(archive: zipfile.ZipFile, member: str, where: _Location, policy: str) -> tuple[object, list[Finding]]:
    """Return the parsed JSON of a member at the root of the package, or the findings why it is not there."""
    try:
        if archive.getinfo(member).file_size > TEMPLATE_MAX_BYTES:
            message = _("%(member)s in %(name)s is larger than %(max)d MB, the most Azure accepts.")
            return None, [where.finding("package.file_too_large", policy, message, member=member, max=4)]
        raw = archive.read(member)
    except KeyError:
        near = [n for n in archive.namelist() if n.rsplit("/", 1)[-1].lower() == member.lower()]
        if near:
            message = _("%(name)s has no %(member)s at its root; put %(found)s at the root with exactly this name.")
        else:
            message = _("%(name)s has no %(member)s at its root.")
        found = near[0] if near else ""
        return None, [where.finding("package.file_missing", policy, message, member=member, found=found)]
    except READ_ERRORS:
        message = _("%(member)s in %(name)s is damaged or uses an unsupported compression.")
        return None, [where.finding("package.damaged", PACKAGE_POLICY, message, member=member)]
    try:
        return json.loads(raw.decode("utf-8-sig")), []
    except UnicodeDecodeError:
        message, params = _("%(member)s in %(name)s is not UTF-8 text."), {}
    except json.JSONDecodeError as error:
        message = _("%(member)s in %(name)s is not valid JSON: %(problem)s at line %(line)d, column %(column)d.")
        params = {"problem": error.msg, "line": error.lineno, "column": error.colno}
    return None, [where.finding("package.invalid_json", policy, message, member=member, **params)]


def _template_problems(template, where: _Location, member: str) -> list[Finding]:
    """Check the shape ARM requires of a deployment template."""
    problems = []
    if not isinstance(template, dict):
        problems.append(_("it is not a JSON object"))
        template = {}
    elif "deploymentTemplate.json" not in str(template.get("$schema", "")):
        problems.append(_("$schema must be a deploymentTemplate.json schema"))
    if template and not _CONTENT_VERSION.fullmatch(str(template.get("contentVersion", ""))):
        problems.append(_("contentVersion must be four numbers, such as 1.0.0.0"))
    resources = template.get("resources")
    symbolic = template.get("languageVersion") == "2.0" and isinstance(resources, dict)
    if template and not (isinstance(resources, list) or symbolic):
        problems.append(_("resources must be a list"))
    elif isinstance(resources, list) and not all(isinstance(r, dict) and r.get("type") for r in resources):
        problems.append(_("every resource needs a type"))
    parameters = template.get("parameters", {})
    if not isinstance(parameters, dict):
        problems.append(_("parameters must be an object"))
    else:
        wrong = [
            n
            for n, p in parameters.items()
            if not isinstance(p, dict) or str(p.get("type", "")).lower() not in ARM_TYPES
        ]
        if wrong:
            problems.append(_("these parameters have no valid type: %(names)s") % {"names": _names(wrong)})
    if not problems:
        return []
    message = _("%(member)s in %(name)s is not a valid ARM template: %(problems)s.")
    return [
        where.finding("package.invalid_template", TEMPLATE_POLICY, message, member=member, problems="; ".join(problems))
    ]


def _ui_problems(ui) -> list[str]:
    """Check the shape the Azure portal requires of createUiDefinition.json."""
    if not isinstance(ui, dict):
        return [_("it is not a JSON object")]
    problems = [_("%(key)s is missing") % {"key": key} for key in ("$schema", "version") if not ui.get(key)]
    if ui.get("handler") != UI_HANDLER:
        problems.append(_("handler must be %(handler)s") % {"handler": UI_HANDLER})
    parameters = ui.get("parameters")
    if not isinstance(parameters, dict):
        return [*problems, _("parameters must be an object with basics, steps and outputs")]
    for key, kind, label in (
        ("basics", list, _("a list")),
        ("steps", list, _("a list")),
        ("outputs", dict, _("an object")),
    ):
        if not isinstance(parameters.get(key), kind):
            problems.append(_("parameters.%(key)s must be %(kind)s") % {"key": key, "kind": label})
    return problems


def _azure_app_problems(archive: zipfile.ZipFile, where: _Location) -> list[Finding]:
    template, findings = _read_json(archive, MAIN_TEMPLATE, where, TEMPLATE_POLICY)
    ui, ui_findings = _read_json(archive, UI_DEFINITION, where, UI_POLICY)
    findings += ui_findings
    if template is not None:
        findings += _template_problems(template, where, MAIN_TEMPLATE)
    if ui is not None:
        problems = _ui_problems(ui)
        if problems:
            message = _("%(member)s in %(name)s is not a valid createUiDefinition: %(problems)s.")
            findings.append(
                where.finding(
                    "package.invalid_ui_definition",
                    UI_POLICY,
                    message,
                    member=UI_DEFINITION,
                    problems="; ".join(problems),
                )
            )
    if findings:
        return findings
    return _outputs_problems(template, ui, where)


def _outputs_problems(template: dict, ui: dict, where: _Location) -> list[Finding]:
    """Match createUiDefinition's outputs to mainTemplate's parameters, as a deployment does."""
    parameters = {name.lower(): name for name in (template.get("parameters") or {})}
    required = [name for name, p in (template.get("parameters") or {}).items() if "defaultValue" not in p]
    outputs = {name.lower(): name for name in ui["parameters"]["outputs"]}
    findings = []
    missing = [name for name in required if name.lower() not in outputs]
    if missing:
        message = _(
            "%(name)s: these parameters of mainTemplate.json have no default value and are not outputs of "
            "createUiDefinition.json, so a deployment would fail: %(names)s."
        )
        findings.append(where.finding("package.parameter_without_output", UI_POLICY, message, names=_names(missing)))
    unknown = [name for key, name in outputs.items() if key not in parameters]
    if unknown:
        message = _(
            "%(name)s: these outputs of createUiDefinition.json are not parameters of mainTemplate.json, so a "
            "deployment would fail: %(names)s."
        )
        findings.append(where.finding("package.unknown_output", UI_POLICY, message, names=_names(unknown)))
    return findings
