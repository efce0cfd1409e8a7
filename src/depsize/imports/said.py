"""What the project says besides its imports (:class:`ProjectSays`), gathered in one place.

Commands of its command files, the tools its configuration names, its configuration entries,
what its documentation configuration names, the type checker it runs, its test modules, and the
strings of its code and configuration that may name a module of another distribution or a
database driver. All of it is read from the project (and the folders above it up to the
repository root); none of it is looked up in an environment: :mod:`depsize.join` does that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from depsize.imports.commands import Command
from depsize.imports.devtools import tool_configs, type_checker
from depsize.imports.links import ConfigFile
from depsize.imports.model import FileScan, NameSaid, ProjectSays
from depsize.imports.repo import folder_entries
from depsize.imports.strings import Spelled
from depsize.imports.toolplugins import docs_names


def project_says(
    folders: tuple[Path, ...],
    commands: Iterable[Command],
    test_files: Iterable[Path],
    names: Iterable[NameSaid],
) -> ProjectSays:
    """Commands, tools, configuration entries and documentation names of ``folders`` (the
    project's, then those above it), with the project's test modules and named strings."""
    tools = tuple(tool_configs(folders))
    commands = tuple(commands)
    return ProjectSays(
        folders=folders,
        commands=commands,
        tools=tools,
        config_entries=tuple(folder_entries(folders)),
        docs=tuple(docs_names(folders)),
        type_checker=type_checker(tools, commands),
        test_files=tuple(test_files),
        names=tuple(names),
    )


def names_said(
    scans: Mapping[Path, FileScan],
    configs: Iterable[ConfigFile],
    excluded: Callable[[str], bool],
) -> Iterator[NameSaid]:
    """Strings of the code and the configuration files that may name another distribution's
    module or a database driver, file by file. ``excluded(module)`` is true for the project's
    own modules and the target's stdlib: those are never said to name a distribution."""
    for path, scan in scans.items():
        yield from _spelled(scan.spelled, path, excluded)
        for url in scan.urls:
            yield NameSaid("url", url.scheme, path, url.line)
    for config in configs:
        yield from _spelled(config.spelled, config.path, excluded)


def _spelled(spelled: Spelled, path: Path, excluded: Callable[[str], bool]) -> Iterator[NameSaid]:
    for value, line in spelled.dotted:
        if not excluded(value.split(":", 1)[0]):
            yield NameSaid("dotted", value, path, line)
    for word, line in spelled.words:
        if not excluded(word):
            yield NameSaid("word", word, path, line)
    for token, line in spelled.drivers:
        yield NameSaid("url" if "://" in token else "driver", token, path, line)
