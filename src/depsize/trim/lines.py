"""What goes, and line edits on the exact bytes of requirements files."""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from depsize.errors import InputError
from depsize.requirements.roundtrip import PhysicalLine
from depsize.trim.model import DEFAULT_REMOVE, REMOVABLE_STATUSES, Removal
from depsize.trim.verify import TrimRefusedError
from depsize.units import human

if TYPE_CHECKING:
    from depsize.verdicts import Judgement

_HASH = re.compile(r"(--hash[= ]\w+:[0-9a-fA-F]{12})[0-9a-fA-F]+")


def parse_statuses(text: str) -> tuple[str, ...]:
    """``"unused,transitive-only"`` → the statuses; :class:`InputError` for one ``--remove``
    does not accept."""
    statuses = tuple(s.strip() for s in text.split(",") if s.strip())
    wrong = [s for s in statuses if s not in REMOVABLE_STATUSES]
    if wrong or not statuses:
        raise InputError(
            f"--remove accepts {', '.join(REMOVABLE_STATUSES)}; got {text!r}"
            + (f" ({', '.join(wrong)} cannot be removed safely)" if wrong else "")
        )
    return statuses


def select_removals(
    judgement: Judgement,
    remove_statuses: Collection[str] = DEFAULT_REMOVE,
    keep: Iterable[str] = (),
    *,
    include_likely: bool = False,
) -> list[Removal]:
    """The verdicts to act on: not ignored, not kept with ``--keep``, and ``certain`` unless
    ``include_likely`` (a ``transitive-only`` version pin is only ``likely``); one removal for
    each of their declarations (every file and lock line that names it) but the ones the
    verdict keeps."""
    kept = {canonicalize_name(name) for name in keep}
    removals = []
    for verdict in judgement.verdicts:
        req = verdict.requirement
        if verdict.ignored or req.name in kept:
            continue
        if verdict.status not in remove_statuses:
            continue
        if verdict.confidence == "likely" and not include_likely:
            continue
        freed = verdict.sizes.exclusive if verdict.sizes else 0
        freed = 0 if verdict.status == "transitive-only" else freed
        if verdict.sizes and verdict.goes_with_requirers:
            freed = verdict.sizes.own  # no kept requirement reaches it: its own files go
        removals += [
            Removal(declaration, verdict.status, freed)
            for declaration in verdict.declarations
            if declaration not in verdict.kept
        ]
    return removals


# -- line edits on exact bytes --------------------------------------------------------------------


@dataclass
class LineEditor:
    """Replacements, insertions and appended lines over a file's physical lines."""

    data: bytes
    lines: tuple[PhysicalLine, ...]
    encoding: str
    replaced: dict[int, tuple[int, str | None]] = field(default_factory=dict)
    """First line → (last line, the comment line to leave or ``None``)."""
    inserted: dict[int, list[str]] = field(default_factory=dict)
    """Line number → lines to insert before it (``len(lines) + 1``: at the end)."""
    appended: list[str] = field(default_factory=list)

    def render(self) -> bytes:
        eol = _dominant_ending(self.lines)
        rows: list[list[bytes]] = []
        last = 0
        for line in self.lines:
            rows.extend([self._encode(t), eol] for t in self.inserted.get(line.number, ()))
            if line.number <= last:
                continue
            if line.number in self.replaced:
                last, text = self.replaced[line.number]
                if text is not None:
                    rows.append([self._encode(text), self.lines[last - 1].ending])
                continue
            content = line.content
            if line.number == 1 and content.startswith(codecs.BOM_UTF8):
                content = content[len(codecs.BOM_UTF8) :]
            rows.append([content, line.ending])
        tail = [*self.inserted.get(len(self.lines) + 1, ()), *self.appended]
        if tail and rows and not rows[-1][1]:
            rows[-1][1] = eol
        rows.extend([self._encode(t), eol] for t in tail)
        bom = codecs.BOM_UTF8 if self.data.startswith(codecs.BOM_UTF8) else b""
        return bom + b"".join(content + ending for content, ending in rows)

    def _encode(self, text: str) -> bytes:
        if len(text.splitlines()) > 1 or text != one_line(text):
            raise TrimRefusedError(f"a line to write holds a line break: {text!r}; refused")
        return text.encode(self.encoding, errors="replace")


_ENDINGS = (b"\n", b"\r\n", b"\r")


def _dominant_ending(lines: Sequence[PhysicalLine]) -> bytes:
    counts = Counter(line.ending for line in lines if line.ending in _ENDINGS)
    return counts.most_common(1)[0][0] if counts else b"\n"


def one_line(text: str) -> str:
    """``text`` safe inside one line of any file trim writes: every character that is not
    printable (line breaks of all kinds, other control characters) written as an escape."""
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def readable(raw: str) -> str:
    """The text of a requirement on one line: continuations joined, hashes shortened."""
    parts = [part.strip().removesuffix("\\").strip() for part in raw.splitlines()]
    return _HASH.sub(r"\1...", " ".join(p for p in parts if p))


def removal_comment(removal: Removal, text: str | None = None) -> str:
    """``depsize: removed "rich==13.9.4" (unused, frees 11.4 MB)``; ``text`` is shown as is."""
    shown = f'"{readable(removal.requirement.raw)}"' if text is None else text
    note = f"depsize: removed {shown} ({removal.status}, frees {human(removal.freed_bytes)})"
    return one_line(note)
