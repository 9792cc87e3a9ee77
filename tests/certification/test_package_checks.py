"""The package analysis of Azure Application plan packages and test drive ARM template packages."""

import copy
import io
import secrets
import stat
import zipfile

import pytest

from certification.checks.package import check_package
from offers.samples.plans import CREATE_UI_DEFINITION, MAIN_TEMPLATE
from tests.certification.test_technical_checks import (
    app_package,
    azure_app_snapshot,
    mark_encrypted,
    technical_context,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


def _codes(snapshot) -> list[str]:
    return [finding.code for finding in check_package(technical_context(snapshot))]


def test_a_package_without_create_ui_definition_is_refused_at_the_plans_package_field(owner):
    snapshot = azure_app_snapshot(owner, app_package(**{"createUiDefinition.json": None}))

    [finding] = check_package(technical_context(snapshot))

    assert finding.code == "package.file_missing"
    assert finding.policy == "300.3"
    assert (finding.page, finding.field) == ("plan:plan-1", "package")
    assert "createUiDefinition.json" in finding.message


def test_a_main_template_inside_a_folder_is_refused_with_a_hint_to_move_it(owner):
    package = app_package(**{"mainTemplate.json": None, "app/mainTemplate.json": MAIN_TEMPLATE})

    [finding] = check_package(technical_context(azure_app_snapshot(owner, package)))

    assert finding.code == "package.file_missing"
    assert finding.policy == "300.2"
    assert "app/mainTemplate.json" in finding.message


def test_a_package_with_a_path_leaving_the_folder_is_refused(owner):
    snapshot = azure_app_snapshot(owner, app_package(**{"../../etc/cron.d/job": b"* * * * * root true"}))

    [finding] = check_package(technical_context(snapshot))

    assert finding.code == "package.unsafe_path"
    assert finding.policy == "300.1"
    assert "../../etc/cron.d/job" in finding.message


@pytest.mark.parametrize("name", ["/etc/passwd", "C:/Windows/evil.dll", "scripts\\..\\..\\evil.ps1"])
def test_absolute_drive_letter_and_backslash_paths_are_refused(owner, name):
    assert _codes(azure_app_snapshot(owner, app_package(**{name: b"x"}))) == ["package.unsafe_path"]


def test_a_zip_bomb_is_refused_before_it_is_expanded(owner):
    snapshot = azure_app_snapshot(owner, app_package(**{"data/zeros.bin": bytes(4 * 1024 * 1024)}))

    [finding] = check_package(technical_context(snapshot))

    assert finding.code == "package.zip_bomb"
    assert "data/zeros.bin" in finding.message


def test_a_package_with_too_many_entries_is_refused(owner, settings):
    settings.PACKAGE_MAX_MEMBERS = 5
    extra = {f"docs/{n}.txt": b"doc" for n in range(6)}
    assert _codes(azure_app_snapshot(owner, app_package(**extra))) == ["package.too_many_entries"]


def test_a_symbolic_link_entry_is_refused(owner):
    link = zipfile.ZipInfo("scripts/config")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    package = app_package()
    snapshot = azure_app_snapshot(owner, _with_entry(package, link, b"/etc/shadow"))
    assert _codes(snapshot) == ["package.symlink"]


def test_an_encrypted_entry_is_refused(owner):
    package = mark_encrypted(_with_entry(app_package(), zipfile.ZipInfo("secret.bin"), b"opaque"), "secret.bin")
    assert _codes(azure_app_snapshot(owner, package)) == ["package.encrypted"]


def _with_entry(package: bytes, info: zipfile.ZipInfo, content: bytes) -> bytes:
    buffer = io.BytesIO(package)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(info, content)
    return buffer.getvalue()


def test_a_file_that_is_not_a_zip_is_refused(owner):
    assert _codes(azure_app_snapshot(owner, b"%PDF-1.4 not a zip")) == ["package.not_zip"]


def test_a_main_template_that_is_not_json_is_refused_with_its_line(owner):
    snapshot = azure_app_snapshot(owner, app_package(**{"mainTemplate.json": b'{\n  "resources": [\n}'}))

    [finding] = check_package(technical_context(snapshot))

    assert finding.code == "package.invalid_json"
    assert finding.policy == "300.2"
    assert "line 3" in finding.message


def test_a_main_template_without_resources_or_schema_is_refused(owner):
    template = {"contentVersion": "1.0", "parameters": {}}

    [finding] = check_package(
        technical_context(azure_app_snapshot(owner, app_package(**{"mainTemplate.json": template})))
    )

    assert finding.code == "package.invalid_template"
    assert finding.policy == "300.2"
    assert "$schema" in finding.message
    assert "contentVersion" in finding.message
    assert "resources" in finding.message


def test_a_create_ui_definition_with_the_wrong_handler_and_no_outputs_is_refused(owner):
    ui = copy.deepcopy(CREATE_UI_DEFINITION)
    ui["handler"] = "Contoso.Handler"
    del ui["parameters"]["outputs"]

    [finding] = check_package(
        technical_context(azure_app_snapshot(owner, app_package(**{"createUiDefinition.json": ui})))
    )

    assert finding.code == "package.invalid_ui_definition"
    assert finding.policy == "300.3"
    assert "Microsoft.Azure.CreateUIDef" in finding.message
    assert "outputs" in finding.message


def test_a_template_parameter_without_default_that_is_not_an_output_is_refused(owner):
    ui = copy.deepcopy(CREATE_UI_DEFINITION)
    del ui["parameters"]["outputs"]["storageAccountName"]

    [finding] = check_package(
        technical_context(azure_app_snapshot(owner, app_package(**{"createUiDefinition.json": ui})))
    )

    assert finding.code == "package.parameter_without_output"
    assert "storageAccountName" in finding.message


def test_an_output_that_is_not_a_template_parameter_is_refused(owner):
    ui = copy.deepcopy(CREATE_UI_DEFINITION)
    ui["parameters"]["outputs"]["adminPassword"] = "[basics('password')]"

    [finding] = check_package(
        technical_context(azure_app_snapshot(owner, app_package(**{"createUiDefinition.json": ui})))
    )

    assert finding.code == "package.unknown_output"
    assert "adminPassword" in finding.message


def test_a_plan_without_a_package_is_refused(owner):
    snapshot = azure_app_snapshot(owner, app_package())
    snapshot["plans"][0]["data"]["package"] = None

    [finding] = check_package(technical_context(snapshot))

    assert finding.code == "package.missing"
    assert finding.policy == "300.1"


def test_a_test_drive_package_without_its_main_template_is_refused(owner):
    snapshot = azure_app_snapshot(owner, app_package())
    package_id = snapshot["plans"][0]["data"]["package"]
    snapshot["pages"]["test_drive"] = {"test_drive_type": "azure_resource_manager", "arm_template": package_id}

    [finding] = check_package(technical_context(snapshot))

    assert (finding.code, finding.page, finding.field) == ("package.file_missing", "test_drive", "arm_template")
    assert "main-template.json" in finding.message


def test_a_test_drive_package_with_a_sound_template_passes(owner):
    snapshot = azure_app_snapshot(owner, zip_bytes({"main-template.json": MAIN_TEMPLATE}))
    package_id = snapshot["plans"][0]["data"]["package"]
    snapshot["plans"] = []
    snapshot["pages"]["test_drive"] = {"test_drive_type": "azure_resource_manager", "arm_template": package_id}

    assert check_package(technical_context(snapshot)) == []


def test_a_main_template_larger_than_azure_accepts_is_refused_unread(owner):
    template = {**MAIN_TEMPLATE, "metadata": {"padding": secrets.token_hex(2 * 1024 * 1024)}}  # 4 MB, incompressible

    [finding] = check_package(
        technical_context(azure_app_snapshot(owner, app_package(**{"mainTemplate.json": template})))
    )

    assert (finding.code, finding.policy) == ("package.file_too_large", "300.2")
