"""axe-core (npm ``axe-core``, vendored in ``vendor/``) run in the page.

The script is added as an init script: Playwright injects those through the
DevTools protocol, so the site's strict Content-Security-Policy (scripts from
'self' only) stays on for the page under test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
SERIOUS = ("serious", "critical")


def install(context: Any) -> None:
    context.add_init_script(path=str(AXE))


def serious_violations(page: Any) -> list[str]:
    """The serious and critical violations on the page, one line per node."""
    result = page.evaluate(
        """async () => {
            const r = await window.axe.run(document, {
                resultTypes: ["violations"],
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(1, 2).join("")),
            }));
        }"""
    )
    return [
        f"{violation['id']} ({violation['impact']}): {node}"
        for violation in result
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]
