"""Type stub distributions (``types-X``, ``X-stubs``, partial stubs) and the modules they type.

A stub distribution is judged by the imports of what it types, read from its files, not its
name: ``types-requests`` installs ``requests-stubs/`` (types ``requests``), ``types-python-slugify``
installs ``slugify-stubs/`` (``slugify``), ``types-protobuf`` installs ``google-stubs/protobuf/``
(``google.protobuf``). A distribution whose package files are all ``.pyi`` (partial stubs beside
``py.typed``) types the packages it installs them in. Without a file list, the name decides:
``types-X`` and ``X-stubs`` type ``X``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from packaging.utils import NormalizedName

from depsize.imports.model import ImportSite, TypeCheckerUse
from depsize.join.model import StubUse
from depsize.models import InstalledDist

_STUBS = "-stubs"
_MAX_SITES = 3


def _package_files(dist: InstalledDist) -> list[str]:
    """Its files inside site-packages, without metadata, byte-code and scripts."""
    meta = dist.metadata_dir.name + "/"
    return [
        rel
        for rel, _size in dist.files
        if not rel.startswith(("../", meta)) and "__pycache__/" not in rel
    ]


def stub_targets(dist: InstalledDist) -> tuple[str, ...]:
    """The modules ``dist`` provides stubs for; empty when it is not a stub distribution."""
    files = _package_files(dist)
    typed = _from_stub_folders(files)
    if not typed and files and all(f.endswith((".pyi", "/py.typed")) for f in files):
        typed = sorted({f.split("/", 1)[0].removesuffix(".pyi") for f in files})
    if typed:
        return tuple(typed)
    name = dist.name
    if name.startswith("types-") or name.endswith(_STUBS):
        base = name.removeprefix("types-").removesuffix(_STUBS)
        return (base.replace("-", "_"),)
    return ()


def _from_stub_folders(files: Sequence[str]) -> list[str]:
    """``X-stubs/__init__.pyi`` → X; a namespace ``X-stubs/sub/__init__.pyi`` → X.sub."""
    folders: dict[str, set[str]] = {}
    for rel in files:
        top, _, rest = rel.partition("/")
        if top.endswith(_STUBS) and rest:
            folders.setdefault(top.removesuffix(_STUBS), set()).add(rest)
    typed: list[str] = []
    for base, inside in sorted(folders.items()):
        if "__init__.pyi" in inside or "__init__.py" in inside:
            typed.append(base)
            continue
        subs = sorted(
            {r.split("/", 1)[0].removesuffix(".pyi") for r in inside if r.endswith(".pyi")}
        )
        typed.extend([f"{base}.{sub}" for sub in subs] or [base])
    return typed


def _imports_of(typed: Sequence[str], sites: Iterable[ImportSite]) -> tuple[ImportSite, ...]:
    found: list[ImportSite] = []
    for site in sites:
        names = site.candidates()
        if any(_same_tree(name, module) for name in names for module in typed):
            found.append(site)
    return tuple(found)


def _same_tree(imported: str, typed: str) -> bool:
    """``requests.x`` is typed by ``requests`` stubs; ``google`` holds ``google.protobuf``."""
    return imported == typed or imported.startswith(typed + ".") or typed.startswith(imported + ".")


def stub_uses(
    dists: Mapping[NormalizedName, InstalledDist],
    sites: Iterable[ImportSite],
    checker: TypeCheckerUse | None,
) -> list[StubUse]:
    """Every installed stub distribution, with the project's imports of what it types."""
    external = [s for s in sites if not s.first_party]
    uses: list[StubUse] = []
    for dist in sorted(dists.values(), key=lambda d: d.name):
        if dist.import_names and not _has_stub_folder(dist):
            continue
        typed = stub_targets(dist)
        if typed:
            found = _imports_of(typed, external)
            uses.append(StubUse(dist.name, typed, _first_per_scope(found), checker))
    return uses


def _has_stub_folder(dist: InstalledDist) -> bool:
    return any(rel.partition("/")[0].endswith(_STUBS) for rel, _size in dist.files)


def _first_per_scope(sites: Sequence[ImportSite]) -> tuple[ImportSite, ...]:
    """A few sites, live ones first: enough to show where the typed module is imported."""
    order = {"live": 0, "test": 1, "dead": 2}
    return tuple(sorted(sites, key=lambda s: order.get(s.scope, 3))[:_MAX_SITES])
