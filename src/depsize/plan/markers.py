"""Evaluate a lock's markers for the target; a marker that cannot be evaluated is false."""

from __future__ import annotations

from collections.abc import Mapping

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName


def holds(
    marker: str | None,
    env: Mapping[str, str],
    *,
    lock_file: bool = False,
    groups: frozenset[str] = frozenset(),
) -> bool:
    """Whether ``marker`` holds in ``env``; ``lock_file`` evaluates PEP 751's ``extras`` as
    empty and ``dependency_groups`` as ``groups``."""
    if not marker:
        return True
    try:
        parsed = Marker(marker)
        if lock_file:
            context: dict[str, str | frozenset[str]] = {
                **env,
                "extras": frozenset(),
                "dependency_groups": groups,
            }
            try:
                return parsed.evaluate(context, "lock_file")  # type: ignore[call-arg,arg-type,unused-ignore]
            except TypeError:  # packaging < 25 has no lock-file context
                return parsed.evaluate(dict(env))
        return parsed.evaluate({**env, "extra": ""})
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
        return False
