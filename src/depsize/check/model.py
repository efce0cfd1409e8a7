"""What a check finds: each budget's :class:`Outcome` and the :class:`CheckResult` of them all."""

from __future__ import annotations

from depsize.errors import EXIT_OK, EXIT_POLICY
from depsize.records import dataclass
from depsize.units import human


@dataclass(frozen=True)
class Contributor:
    """A name behind a budget's figure, with its bytes and the line that declares it."""

    name: str
    bytes: int | None = None
    file: str | None = None
    line: int | None = None
    detail: str = ""
    frees: int = 0
    """Bytes removing it frees (a counted requirement): ranks findings, largest first."""

    @property
    def where(self) -> str | None:
        if self.file is None:
            return None
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def describe(self, *, where: bool = True) -> str:
        """``torch 612 MB [unused] (requirements.txt:4)``; without the place if not *where*."""
        text = self.name if self.bytes is None else f"{self.name} {human(self.bytes)}"
        if self.detail:
            text += f" [{self.detail}]"
        return f"{text} ({self.where})" if where and self.where else text


@dataclass(frozen=True)
class Outcome:
    """One budget checked: its name, the measured value, the limit and what it says."""

    budget: str
    measured: int
    limit: int
    message: str
    contributors: tuple[Contributor, ...] = ()
    label: str = "top contributors"
    passed: bool = False


@dataclass(frozen=True)
class CheckResult:
    """Every budget checked: those broken, those met, and notes on what was not checked."""

    violations: tuple[Outcome, ...] = ()
    passed: tuple[Outcome, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return bool(self.violations)

    @property
    def exit_code(self) -> int:
        return EXIT_POLICY if self.violations else EXIT_OK
