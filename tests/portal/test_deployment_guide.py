"""The deployment guide's tables name every variable the portal reads, and every setting only code can change."""

import ast
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
GUIDE = REPO_ROOT / "docs" / "deployment.md"
APPS = ["portal", "api", "storefront", "saas", "certification", "offers", "webhooks", "accounts", "outbox", "safeinput"]
# Read by a library from the environment, not by the portal's code: documented all the same.
READ_BY_LIBRARIES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


def guide_section(start: str, end: str | None) -> str:
    text = GUIDE.read_text()
    section = text.split(start, 1)[1]
    return section.split(end, 1)[0] if end else section


def first_cell_names(section: str) -> set[str]:
    """Return the names in backticks in the first cell of each table row."""
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def environment_table() -> set[str]:
    return first_cell_names(guide_section("## Environment variables", "### Settings that cannot"))


def code_only_table() -> set[str]:
    return first_cell_names(guide_section("### Settings that cannot be set from the environment", None))


def settings_tree() -> ast.Module:
    return ast.parse((REPO_ROOT / "portal" / "settings.py").read_text())


def variables_read_in_settings() -> set[str]:
    """Return the first argument of every env(...), env.int(...), env.list(...) … call in portal/settings.py."""
    names = set()
    for node in ast.walk(settings_tree()):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        function = node.func
        reads_env = (isinstance(function, ast.Name) and function.id == "env") or (
            isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name) and function.value.id == "env"
        )
        first = node.args[0]
        if reads_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def settings_defined() -> set[str]:
    names = set()
    for node in ast.walk(settings_tree()):
        if isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def variables_read_by_processes() -> set[str]:
    procfile = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (REPO_ROOT / "Procfile").read_text()))
    flower = set(re.findall(r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]*)"', (REPO_ROOT / "flowerconfig.py").read_text()))
    return procfile | flower


def settings_read_by_code_with_a_default() -> set[str]:
    """Return X of every getattr(settings, "X", default) in the apps: settings code reads that settings.py may omit."""
    names = set()
    for app in APPS:
        for path in (REPO_ROOT / app).rglob("*.py"):
            names.update(re.findall(r'getattr\(\s*settings,\s*"([A-Z][A-Z0-9_]*)"', path.read_text()))
    return names


def test_every_variable_read_in_settings_is_in_the_guides_table():
    read = variables_read_in_settings()

    assert len(read) > 40  # the parse found the env() calls
    assert sorted(read - environment_table()) == []


def test_every_variable_of_the_procfile_and_flower_is_in_the_guides_table():
    read = variables_read_by_processes()

    assert {"HOST", "PORT", "WEB_CONCURRENCY", "WORKER_CONCURRENCY", "FLOWER_BASIC_AUTH"} <= read
    assert sorted(read - environment_table()) == []


def test_the_guides_table_names_only_variables_something_reads():
    read = variables_read_in_settings() | variables_read_by_processes() | READ_BY_LIBRARIES

    assert sorted(environment_table() - read) == []


def test_every_setting_only_code_can_change_is_in_the_guides_second_table():
    code_only = settings_read_by_code_with_a_default() - settings_defined()

    assert {"MALWARE_RULES_PATH", "TEST_DRIVE_PROVISIONER", "PACKAGE_MAX_MEMBERS"} <= code_only
    assert sorted(code_only - code_only_table()) == []


def test_the_readme_links_the_deployment_guide():
    assert "(docs/deployment.md)" in (REPO_ROOT / "README.md").read_text()
