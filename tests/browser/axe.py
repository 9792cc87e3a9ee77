"""Run axe-core (installed by `make axe` into .ci/axe from its npm lock) in a page and describe what it finds."""

from pathlib import Path

from django.conf import settings

AXE_JS = Path(settings.BASE_DIR) / ".ci" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe's rule tags).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    return results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
    }));
}"""


def axe_violations(page) -> list[dict]:
    """Inject axe-core into the page (once per document) and return its violations at WCAG 2.2 AA."""
    if not AXE_JS.exists():
        raise AssertionError(f"axe-core is not installed at {AXE_JS}: run `make axe`")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))  # the context must bypass the portal's CSP (no inline script)
    # Icon fonts first: before the editor's icon font has loaded, a toolbar icon is its ligature's words
    # ("format_bold"), which no accessible name contains; axe reads a loaded ligature as the icon it is.
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.evaluate(_RUN, AXE_TAGS)


def axe_report(where: str, violations: list[dict]) -> str:
    """Each rule that failed on a page, with the selector of every element that failed it."""
    lines = [f"{where}:"]
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}" for node in violation["nodes"])
    return "\n".join(lines)
