"""Commands a project runs, read from the files that start it.

``Procfile``, ``Dockerfile`` (``CMD``/``ENTRYPOINT``/``RUN``, exec and shell forms), compose files
(``command:``/``entrypoint:``, read line by line without a YAML parser), ``Makefile`` recipes,
shell scripts, GitHub workflow ``run:`` steps, pre-commit hook ``entry:`` lines, ``tox.ini``
``commands`` and ``noxfile.py`` ``session.run(...)`` calls. Each yields :class:`Command` objects:
the argument list of one simple command with the file and line it came from.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Iterator, Sequence
from pathlib import Path

from depsize.imports.files import SideFiles, side_files
from depsize.imports.repo import read_text
from depsize.models import ScanWarning
from depsize.records import dataclass


@dataclass(frozen=True)
class Command:
    """One simple command (``uvicorn app.main:app --port 80``) and where it was written."""

    argv: tuple[str, ...]
    file: Path
    line: int
    text: str


_DOCKER = re.compile(r"^\s*(CMD|ENTRYPOINT|RUN)\s+(.*)$", re.IGNORECASE)
_COMPOSE = re.compile(r"^\s*(?:-\s*)?(command|entrypoint)\s*:\s*(.*)$")
_RUN = re.compile(r"^(\s*)(?:-\s*)?(?:run|script|before_script|after_script|install)\s*:\s*(.*)$")
_LIST_ITEM = re.compile(r"^(\s*)- +(.*)$")
_SPLIT = re.compile(r"&&|\|\||;|\|")
"""Between simple commands (each part is stripped: spaces matched here would make splitting a
line of spaces quadratic)."""
_WRAPPERS = frozenset({"exec", "sudo", "time", "nohup", "env"})
_RUNNERS = (("poetry", "run"), ("uv", "run"), ("pipenv", "run"), ("pdm", "run"), ("hatch", "run"))
_MAX_DEPTH = 2
_CI_FILES = frozenset(
    {".gitlab-ci.yml", ".travis.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml"}
)
"""CI configurations besides GitHub's workflows (and CircleCI's ``.circleci/config.yml``)."""
_PRE_COMMIT_ENTRY = re.compile(r"^\s*(?:-\s*)?entry\s*:\s*(.*)$")
"""``-?`` between two runs of spaces would backtrack quadratically on a line of spaces."""
_TOX_COMMANDS = re.compile(r"^commands(?:_pre|_post)?\s*=\s*(.*)$")
_NOX_RUN = re.compile(r"\bsession\.run(?:_always|_install)?\(([^)]*)\)")
_STRING = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'")
PRE_COMMIT_CONFIGS = (".pre-commit-config.yaml", ".pre-commit-config.yml")


def command_files(
    root: Path, above: Sequence[Path] = (), walked: Sequence[Path] | None = None
) -> Iterator[Path]:
    """Files that may start the project: in the root, two folder levels down, CI workflows.

    ``above`` are the folders over the project up to the repository root
    (:func:`depsize.imports.repo.config_folders`): the command files directly in each, and its
    ``.github/workflows``, count too (a workflow at the repository root that lints the project).
    ``walked``: the project's own command files when the source walk already gathered them
    (a :class:`~depsize.imports.files.SideFiles` of :func:`is_project_command_file`).
    """
    yield from _walk_command_files(root) if walked is None else walked
    for folder in above:
        for sub in (folder, folder / ".github" / "workflows"):
            rel = sub.relative_to(folder).parts
            try:
                names = sorted(e.name for e in os.scandir(sub) if e.is_file())
            except OSError:
                continue
            yield from (sub / name for name in names if _is_command_file(rel, name))


def _walk_command_files(root: Path) -> list[Path]:
    side = SideFiles(is_project_command_file)
    side_files(root, side)
    return side.found


def is_project_command_file(parts: tuple[str, ...], name: str) -> bool:
    """Whether ``name`` in the project folder ``parts`` is a command file: in the root, two
    folder levels down, CI workflows, and shell scripts at any depth (``wallets/grpc/update.sh``
    runs a code generator). Below the top levels only names ending in ``.sh`` are looked at
    (string work: this is asked of every file of the project)."""
    depth = len(parts)
    shallow = depth <= _MAX_DEPTH or (depth < 2 + _MAX_DEPTH and parts[0] == ".github")
    return (shallow or name[-3:].lower() == ".sh") and _is_command_file(parts, name)


def _is_command_file(parts: tuple[str, ...], name: str) -> bool:
    """``parts``: the folder's names, relative to the project (or the folder above it)."""
    lower = name.lower()
    if lower in {"procfile", "makefile", "gnumakefile", "justfile"} or lower.startswith(
        ("dockerfile", "containerfile")
    ):
        return True
    if lower.endswith(".sh") or lower.endswith(".dockerfile"):
        return True
    if lower in {"tox.ini", "noxfile.py", *PRE_COMMIT_CONFIGS}:
        return True
    if "compose" in lower and lower.endswith((".yml", ".yaml")):
        return True
    if lower in _CI_FILES or (parts[-1:] == (".circleci",) and lower == "config.yml"):
        return True
    return parts[-2:] == (".github", "workflows") and lower.endswith((".yml", ".yaml"))


def read_commands(path: Path, warnings: list[ScanWarning] | None = None) -> list[Command]:
    """Commands of one command file; an unreadable file gives none (with ``warnings``, a
    warning saying why). A command holding a NUL byte, which no program can be given, is
    skipped with a warning."""
    text = read_text(path, warnings)
    if text is None:
        return []
    lines = _command_lines(path.name.lower(), text)
    commands: list[Command] = []
    for number, line in lines:
        if "\0" in line:
            if warnings is not None:
                warnings.append(ScanWarning("a command holds a NUL byte; skipped", path, number))
            continue
        commands.extend(_commands(line, path, number))
    return commands


def _command_lines(name: str, text: str) -> list[tuple[int, str]]:
    """The command lines of a command file called ``name`` (lower-case), with their numbers."""
    if name == "procfile":
        lines = _procfile(text)
    elif name.startswith(("dockerfile", "containerfile")) or name.endswith(".dockerfile"):
        lines = _dockerfile(text)
    elif name in PRE_COMMIT_CONFIGS:
        lines = _pre_commit_entries(text)
    elif name == "tox.ini":
        lines = _tox_commands(text)
    elif name == "noxfile.py":
        lines = _nox_runs(text)
    elif name.endswith((".yml", ".yaml")):
        lines = [(n, _without_expressions(line)) for n, line in _yaml_commands(text)]
    elif name in {"makefile", "gnumakefile", "justfile"}:
        lines = [(n, ln.strip()) for n, ln in _numbered(text) if ln.startswith(("\t", "    "))]
    else:
        lines = [(n, ln.strip()) for n, ln in _numbered(text)]
    return lines


def _without_expressions(line: str) -> str:
    """``line`` without its GitHub Actions ``${{ … }}`` expressions (``python${{ matrix.python }}
    -m pytest`` runs ``python -m pytest``), in one pass: a regular expression would read to the
    line's end again for each unclosed ``${{``."""
    if "${{" not in line:
        return line
    kept, pos = [], 0
    while (start := line.find("${{", pos)) >= 0:
        end = line.find("}}", start + 3)
        if end < 0:
            break
        kept.append(line[pos:start])
        pos = end + 2
    kept.append(line[pos:])
    return "".join(kept)


def _numbered(text: str) -> list[tuple[int, str]]:
    """Lines with their numbers, backslash continuations joined onto the first line (in linear
    time: the pieces are joined once, however many lines continue)."""
    out: list[tuple[int, str]] = []
    first, pieces = 0, list[str]()
    for number, line in enumerate(text.splitlines(), start=1):
        if not pieces:
            first = number
        piece = line if len(pieces) == 0 else line.strip()
        if piece.rstrip().endswith("\\"):
            pieces.append(piece.rstrip()[:-1])
            continue
        pieces.append(piece)
        joined = " ".join(pieces)
        pieces = []
        if not joined.lstrip().startswith("#"):
            out.append((first, joined))
    if pieces:
        out.append((first, " ".join(pieces)))
    return out


def _procfile(text: str) -> list[tuple[int, str]]:
    return [(n, ln.split(":", 1)[1].strip()) for n, ln in _numbered(text) if ":" in ln]


def _dockerfile(text: str) -> list[tuple[int, str]]:
    found = []
    for number, line in _numbered(text):
        match = _DOCKER.match(line)
        if match:
            found.append((number, _exec_form(match[2].strip())))
    return found


def _exec_form(value: str) -> str:
    """``["uvicorn", "app:app"]`` → ``uvicorn app:app``; shell form unchanged."""
    if value.startswith("["):
        try:
            items = json.loads(value)
        except (ValueError, RecursionError):  # not JSON, or nested too deeply to read
            return value
        if isinstance(items, list):
            return shlex.join(i for i in items if isinstance(i, str))
    return value


def _pre_commit_entries(text: str) -> list[tuple[int, str]]:
    """``entry:`` of local hooks: the command pre-commit runs (``entry: mypy src``)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _PRE_COMMIT_ENTRY.match(line)
        if match and match[1].strip():
            found.append((number, match[1].strip().strip("'\"")))
    return found


def _tox_commands(text: str) -> list[tuple[int, str]]:
    """``commands =`` of every tox section, one command per line (continuations included)."""
    found: list[tuple[int, list[str]]] = []
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        match = _TOX_COMMANDS.match(line)
        if match:
            inside = True
            command = match[1].strip()
        elif line[:1].isspace() and inside:
            command = line.strip()
            if found and found[-1][1][-1].endswith("\\"):  # a continued command
                pieces = found[-1][1]
                pieces[-1] = pieces[-1][:-1]
                pieces.append(command)
                continue
        else:
            inside = False
            continue
        if command and not command.startswith(("#", ";")):
            found.append((number, [command]))
    return [(number, " ".join(pieces)) for number, pieces in found]


def _nox_runs(text: str) -> list[tuple[int, str]]:
    """``session.run("pytest", "--cov")``: the string arguments as one command."""
    found: list[tuple[int, str]] = []
    for match in _NOX_RUN.finditer(text):
        args = [m[1] if m[1] is not None else m[2] for m in _STRING.finditer(match[1])]
        if args:
            number = text.count("\n", 0, match.start()) + 1
            found.append((number, shlex.join(args)))
    return found


def _yaml_commands(text: str) -> list[tuple[int, str]]:
    """``command:``/``entrypoint:`` values and ``run:`` steps (block scalars included)."""
    found: list[tuple[int, list[str]]] = []
    block_indent: int | None = None
    block_line, scalar = 0, False
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            nested_key = not scalar and (_COMPOSE.match(line) or _RUN.match(line))
            if line.strip() and indent > block_indent and not nested_key:
                item = _LIST_ITEM.match(line)  # ``script:`` lists: one command per item
                if not scalar and item is None:
                    continue  # a mapping under ``run:`` (``name:``), not a command
                value = (item[2] if item else line).strip().strip("'\"")
                last = found[-1][1] if found and found[-1][0] >= block_line else None
                if last is not None and last[-1].endswith("\\"):
                    last[-1] = last[-1][:-1]  # continued
                    last.append(value)
                else:
                    found.append((number, [value]))
                continue
            block_indent = None
        match = _COMPOSE.match(line) or _RUN.match(line)
        if match is None:
            continue
        value = match[2].strip()
        if value in {"|", ">", "|-", ">-", "|+", ">+", ""}:
            block_indent, block_line, scalar = indent, number, bool(value)
        else:
            command = _exec_form(value.strip("'\"") if value[:1] != "[" else value)
            found.append((number, [command]))
    return [(number, " ".join(pieces)) for number, pieces in found]


_SHELL_SYNTAX = re.compile(r"""['"\\#]""")
"""Quotes, escapes and comments: a command without them splits on blanks alone (``shlex``
reads a character at a time in Python: seconds on a line of megabytes)."""
_SHELL_SPACE = re.compile(r"[ \t\r\n]+")
"""The blanks ``shlex`` splits on."""


def _commands(line: str, path: Path, number: int) -> Iterator[Command]:
    for part in _SPLIT.split(line):
        if not part.strip():
            continue
        if _SHELL_SYNTAX.search(part) is None:  # what shlex would give, at C speed
            argv = [word for word in _SHELL_SPACE.split(part) if word]
        else:
            try:
                argv = shlex.split(part, comments=True)
            except ValueError:
                argv = part.split()
        argv = strip_wrappers(argv)
        if argv:
            yield Command(tuple(argv), path, number, part.strip())


def strip_wrappers(argv: list[str]) -> list[str]:
    """Drop ``VAR=x`` assignments, ``exec``/``env``/``sudo`` and ``poetry run``-style runners."""
    changed = True
    while argv and changed:
        changed = False
        if ("=" in argv[0] and not argv[0].startswith("-")) or argv[0] in _WRAPPERS:
            argv, changed = argv[1:], True
        elif len(argv) > 1 and (argv[0], argv[1]) in _RUNNERS:
            argv, changed = argv[2:], True
    return argv
