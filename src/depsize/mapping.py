"""Import name → distribution(s) that provide it.

Order of evidence: ``[tool.depsize] mapping`` overrides, then the installed distributions' own
import names (PEP 794 ``Import-Name``, RECORD paths, ``top_level.txt``, as the env scanner put them
in :attr:`InstalledDist.import_names`, dotted for namespace packages), then, for what is not
installed, a hint from a table of well-known mismatches or from the name itself. Every lookup is a
longest dotted-prefix match: ``google.cloud.storage.blob`` is provided by whoever provides
``google.cloud.storage``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Literal

from packaging.utils import NormalizedName, canonicalize_name

from depsize.models import InstalledDist
from depsize.records import dataclass

MappingSource = Literal["override", "installed", "hint"]

FAMOUS_MISMATCHES: dict[str, tuple[str, ...]] = {
    "sklearn": ("scikit-learn",),
    "skimage": ("scikit-image",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python"),
    "PIL": ("pillow",),
    "yaml": ("pyyaml",),
    "jwt": ("pyjwt",),
    "dateutil": ("python-dateutil",),
    "bs4": ("beautifulsoup4",),
    "dotenv": ("python-dotenv",),
    "magic": ("python-magic",),
    "Crypto": ("pycryptodome",),
    "Cryptodome": ("pycryptodomex",),
    "attr": ("attrs",),
    "google.protobuf": ("protobuf",),
    "serial": ("pyserial",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "fitz": ("pymupdf",),
    "OpenSSL": ("pyopenssl",),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "MySQLdb": ("mysqlclient",),
    "git": ("gitpython",),
    "jose": ("python-jose",),
    "multipart": ("python-multipart",),
    "slugify": ("python-slugify",),
    "zmq": ("pyzmq",),
    "usb": ("pyusb",),
    "win32api": ("pywin32",),
    "win32com": ("pywin32",),
    "gi": ("pygobject",),
    "Levenshtein": ("levenshtein",),
    "lxml": ("lxml",),
    "websocket": ("websocket-client",),
    "telegram": ("python-telegram-bot",),
    "discord": ("discord-py",),
    "dns": ("dnspython",),
    "nacl": ("pynacl",),
    "ldap": ("python-ldap",),
    "memcache": ("python-memcached",),
    "kafka": ("kafka-python",),
    "pkg_resources": ("setuptools",),
    "google.cloud.storage": ("google-cloud-storage",),
    "googleapiclient": ("google-api-python-client",),
    "sentry_sdk": ("sentry-sdk",),
    "mpl_toolkits": ("matplotlib",),
    "faiss": ("faiss-cpu",),
    "tensorflow_hub": ("tensorflow-hub",),
    "Bio": ("biopython",),
    "ruamel.yaml": ("ruamel-yaml",),
    "typing_extensions": ("typing-extensions",),
}
"""Import name → distributions that usually provide it, when the names differ."""


@dataclass(frozen=True)
class ImportMapping:
    """Which distributions provide an import, and how that was learned."""

    module: str
    """The dotted name looked up (the most specific candidate that matched)."""
    matched: str
    """The dotted prefix that matched (``google.cloud.storage`` for ``google.cloud.storage.x``)."""
    dists: tuple[NormalizedName, ...]
    how: MappingSource


def _prefixes(module: str) -> Iterable[str]:
    """``a.b.c``, ``a.b``, ``a``."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        yield ".".join(parts[:end])


class ImportMapper:
    """Maps import names to distributions. :func:`depsize.analyze.analyze` builds the one
    mapper of a run and hands it to the join (:func:`depsize.join.join_env`) and to the
    verdicts; the import stage never sees it."""

    def __init__(
        self,
        dists: Mapping[NormalizedName, InstalledDist],
        overrides: Mapping[str, str | Sequence[str]] | None = None,
    ) -> None:
        provided: defaultdict[str, set[NormalizedName]] = defaultdict(set)
        for dist in dists.values():
            for name in dist.import_names:
                provided[name].add(dist.name)
        self._provided = {k: tuple(sorted(v)) for k, v in provided.items()}
        self._namespaces = _namespace_prefixes(provided)
        self._overrides = {name: _as_dists(value) for name, value in (overrides or {}).items()}

    def installed(self, module: str) -> tuple[str, tuple[NormalizedName, ...]] | None:
        """(matched prefix, providers) from the installed distributions, or ``None``."""
        for prefix in _prefixes(module):
            found = self._provided.get(prefix)
            if found is None:
                continue
            if prefix != module and prefix in self._namespaces:
                return None
            return prefix, found
        return None

    def is_installed(self, module: str) -> bool:
        """Whether an installed distribution provides the dotted name ``module``."""
        return self.installed(module) is not None

    def map(self, candidates: Sequence[str]) -> ImportMapping:
        """Map the most specific candidate that matches (``from a import b`` → ``a.b``, ``a``).

        Overrides win, then installed distributions; otherwise a hint for the most specific
        candidate. A hint is never empty: the name itself, normalised, is the last resort.
        """
        for module in candidates:
            for prefix in _prefixes(module):
                if prefix in self._overrides:
                    return ImportMapping(module, prefix, self._overrides[prefix], "override")
        for module in candidates:
            found = self.installed(module)
            if found is not None:
                return ImportMapping(module, found[0], found[1], "installed")
        return hint(candidates[0])

    def providers(
        self, candidates: Sequence[str], declared: Collection[NormalizedName] = ()
    ) -> tuple[NormalizedName, ...]:
        """The distributions an import (its candidate names) uses: what provides it in the env
        or by ``[tool.depsize] mapping``; for a module nothing installed provides, only the
        guessed names among *declared* (a declared requirement that is not installed). The one
        meaning of "used" for the join and the verdicts alike."""
        found = self.map(candidates)
        if found.how != "hint":
            return found.dists
        return tuple(d for d in found.dists if d in declared)


def hint(module: str) -> ImportMapping:
    """A guess for a module no installed distribution provides."""
    for prefix in _prefixes(module):
        famous = FAMOUS_MISMATCHES.get(prefix)
        if famous is not None:
            return ImportMapping(
                module, prefix, tuple(canonicalize_name(n) for n in famous), "hint"
            )
    top = module.partition(".")[0]
    return ImportMapping(module, top, (canonicalize_name(top.replace("_", "-")),), "hint")


def _as_dists(value: str | Sequence[str]) -> tuple[NormalizedName, ...]:
    names = [value] if isinstance(value, str) else list(value)
    return tuple(canonicalize_name(n) for n in names)


def _namespace_prefixes(provided: Mapping[str, set[NormalizedName]]) -> frozenset[str]:
    """Names whose providers all also provide something under them (``google`` for protobuf).

    A match on such a name alone does not identify a distribution: ``google.cloud.x`` is not
    protobuf's just because protobuf's ``top_level.txt`` says ``google``.
    """
    under: defaultdict[str, set[NormalizedName]] = defaultdict(set)
    for name, owners in provided.items():
        parts = name.split(".")
        for end in range(1, len(parts)):
            under[".".join(parts[:end])] |= owners
    return frozenset(
        name for name, owners in provided.items() if name in under and owners <= under[name]
    )
