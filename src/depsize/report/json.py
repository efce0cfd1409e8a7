"""``--format json``: a versioned, documented schema (``docs/schema.json``, ``docs/json.md``).

Keys are stable; ``schema_version`` is bumped on any breaking change.
"""

from __future__ import annotations

import json
from typing import Any

from depsize import __version__
from depsize.analyze import Analysis

SCHEMA_VERSION = 1


def to_data(analysis: Analysis) -> dict[str, Any]:
    """The JSON document as plain data."""
    scan, attribution = analysis.scan, analysis.attribution
    env = scan.env
    return {
        "schema_version": SCHEMA_VERSION,
        "depsize_version": __version__,
        "env": {
            "path": str(env.prefix) if env.prefix else None,
            "site_packages": [str(p) for p in env.site_packages],
            "python": env.python_version,
            "found_by": env.how_found,
            "size_unit": "disk_usage" if scan.disk_usage else "apparent",
            "total_bytes": scan.total_bytes,
            "unowned_bytes": scan.unowned_bytes,
            "unowned_files": len(scan.unowned_files),
            "extraneous_bytes": attribution.extraneous_bytes,
        },
        "roots_from": analysis.roots_from,
        "roots": [
            {
                "name": r.root.name,
                "extras": sorted(r.root.extras),
                "own_bytes": r.own,
                "closure_bytes": r.closure,
                "exclusive_bytes": r.exclusive,
                "share_bytes": r.share,
                "closure": sorted(r.reach),
            }
            for r in attribution.roots
        ],
        "distributions": [
            {
                "name": d.name,
                "display_name": d.display_name,
                "version": d.version,
                "own_bytes": d.own_bytes,
                "file_count": d.file_count,
                "requires": list(analysis.graph.requires(d.name)),
                "import_names": list(d.import_names),
                "editable": d.editable,
                "files_from": d.files_source,
                "installer": d.installer,
            }
            for d in scan.dists.values()
        ],
        "extraneous": list(attribution.extraneous),
        "missing_dependencies": [
            {"required_by": m.source, "requirement": m.requirement, "name": m.target}
            for m in analysis.graph.missing
        ],
        "conflicts": [
            {"path": c.path, "owners": list(c.owners), "bytes": c.size} for c in scan.conflicts
        ],
        "warnings": [
            {"file": str(w.file) if w.file else None, "line": w.line, "message": w.message}
            for w in analysis.warnings
        ],
    }


def render(analysis: Analysis) -> str:
    return json.dumps(to_data(analysis), indent=2) + "\n"
