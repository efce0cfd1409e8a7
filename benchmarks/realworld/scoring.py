"""Scores of one tool's claims against a truth file, per project and pooled.

- Removal: a claim is a true positive when the truth says ``removable = true``, a false positive
  when it says ``false`` **or does not judge the name at all** (an "unjudged" claim: the truth
  file is incomplete, and the run says so loudly); ``"ambiguous"`` names count for nothing.
  Recall is over the truth's ``removable = true`` names.
- Undeclared: a claim whose module is not in the truth's ``[[undeclared]]`` is a false positive.
  Modules match when one is the other or a dotted prefix of it (``google.cloud`` ~
  ``google.cloud.storage``), compared case-insensitively.
- Statuses (depsize only): the share of judged requirements whose status is one of the truth's
  acceptable statuses; a judged requirement depsize does not report counts as wrong.
"""

from __future__ import annotations

from typing import Any

from definitions import Truth
from tools import ToolRun

VARIANTS = {
    "depsize": ("depsize", False, False),
    "depsize +transitive": ("depsize", False, True),
    "depsize +likely": ("depsize", True, True),
    "deptry": ("deptry", False, False),
    "fawltydeps": ("fawltydeps", False, False),
    "creosote": ("creosote", False, False),
    "chokkin": ("chokkin", False, False),
    "chokkin +likely": ("chokkin", True, False),
}
"""Scored rows: ``name -> (tool, include likely claims, include transitive-only lines)``. The
plain names score only what the tool removes by default (depsize: ``certain`` ``unused`` and
``dead-code-only``, what ``depsize trim`` removes; chokkin: ``certain``, what ``--fix``
removes). ``depsize +transitive`` adds the ``transitive-only`` lines depsize is ``certain`` can
go (another declared requirement installs the package and the line asks for nothing more: what
``trim --remove unused,dead-code-only,transitive-only`` removes): every line depsize calls
removable with ``certain`` confidence. ``+likely`` adds the claims each tool reports at
``likely`` confidence (depsize: version pins among them): everything it calls removable."""


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _module_match(claim: str, truth: str) -> bool:
    a, b = claim.lower(), truth.lower()
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def removal_score(claims: list[str], truth: Truth) -> dict[str, Any]:
    reqs = truth.requirements
    positives = {n for n, r in reqs.items() if r.removable is True}
    tp = sorted(c for c in claims if c in positives)
    fp = sorted(c for c in claims if c in reqs and reqs[c].removable is False)
    unjudged = sorted(c for c in claims if c not in reqs)
    ambiguous = sorted(c for c in claims if c in reqs and reqs[c].removable is None)
    fn = sorted(positives - set(claims))
    false_positives = len(fp) + len(unjudged)
    return {
        "tp": len(tp),
        "fp": false_positives,
        "fn": len(fn),
        "precision": _ratio(len(tp), len(tp) + false_positives),
        "recall": _ratio(len(tp), len(positives)),
        "true_positives": tp,
        "false_positives": fp,
        "unjudged": unjudged,
        "ambiguous_claims": ambiguous,
        "missed": fn,
    }


def undeclared_score(claims: list[str], truth: Truth) -> dict[str, Any]:
    wrong = sorted(c for c in claims if not any(_module_match(c, t) for t in truth.undeclared))
    found = sorted(t for t in truth.undeclared if any(_module_match(c, t) for c in claims))
    return {
        "claims": len(claims),
        "fp": len(wrong),
        "false_positives": wrong,
        "found": found,
        "missed": sorted(set(truth.undeclared) - set(found)),
    }


def status_score(statuses: dict[str, list[str]], truth: Truth) -> dict[str, Any]:
    wrong = []
    for name, req in sorted(truth.requirements.items()):
        got = statuses.get(name, [])
        if not set(got) & set(req.status):
            wrong.append({"name": name, "got": got or ["(not reported)"], "want": list(req.status)})
    judged = len(truth.requirements)
    return {
        "judged": judged,
        "right": judged - len(wrong),
        "share": _ratio(judged - len(wrong), judged),
        "wrong": wrong,
    }


def score_project(runs: dict[str, ToolRun], truth: Truth) -> dict[str, Any]:
    """Every variant's scores on one project; ``None`` for a tool that did not run usably."""
    scores: dict[str, Any] = {}
    for variant, (tool, with_likely, with_transitive) in VARIANTS.items():
        run = runs.get(tool)
        if run is None or not run.usable():
            scores[variant] = None
            continue
        claims = sorted(
            set(run.removal_claims)
            | (set(run.likely_claims) if with_likely else set())
            | (set(run.line_claims) if with_transitive else set())
        )
        scores[variant] = {
            "removal": removal_score(claims, truth),
            "undeclared": undeclared_score(run.undeclared_claims, truth),
        }
        if tool == "depsize" and not with_likely and not with_transitive:
            scores[variant]["statuses"] = status_score(run.statuses, truth)
    return scores


def pooled(per_project: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Sums over the projects where each variant ran usably (crashed runs are left out)."""
    result: dict[str, Any] = {}
    for variant in VARIANTS:
        rows = [s[variant] for s in per_project.values() if s and s.get(variant)]
        tp = sum(r["removal"]["tp"] for r in rows)
        fp = sum(r["removal"]["fp"] for r in rows)
        fn = sum(r["removal"]["fn"] for r in rows)
        entry: dict[str, Any] = {
            "projects": len(rows),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, tp + fn),
            "unjudged": sum(len(r["removal"]["unjudged"]) for r in rows),
            "undeclared_fp": sum(r["undeclared"]["fp"] for r in rows),
            "undeclared_claims": sum(r["undeclared"]["claims"] for r in rows),
        }
        statuses = [r["statuses"] for r in rows if "statuses" in r]
        if statuses:
            judged, right = sum(s["judged"] for s in statuses), sum(s["right"] for s in statuses)
            entry["statuses"] = {"judged": judged, "right": right, "share": _ratio(right, judged)}
        result[variant] = entry
    return result
