"""Hostile projects that hang, recurse or are simply wrong: source, requirement files,
pyproject, notebooks and command files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from corpus.model import Case, Ctx, skip_as_root

DEEP = 100_000
HUGE = 10_500_000
"""Bytes of the single-line cases (over 10 MB)."""
FIFO_FILES = {
    "gitignore": ".gitignore",
    "procfile": "Procfile",
    "makefile": "Makefile",
    "dockerfile": "Dockerfile",
    "py": "pkg/stuck.py",
    "notebook": "stuck.ipynb",
    "requirements": "requirements-dev.txt",
    "pyproject": "pyproject.toml",
    "setup-cfg": "setup.cfg",
    "workflow": ".github/workflows/ci.yml",
}


def _huge_import_line() -> str:
    names = []
    size = 0
    i = 0
    while size < HUGE:
        names.append(f"mod{i}")
        size += len(names[-1]) + 2
        i += 1
    return "import alpha, " + ", ".join(names) + "\n"


def _huge_words(prefix: str) -> str:
    return prefix + " ".join(["word"] * (HUGE // 5)) + "\n"


def _notebook(cells: object) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _group_lattice(levels: int) -> str:
    """PEP 735 groups: g0 includes a1 and b1, each of a_i/b_i includes a_{i+1} and b_{i+1}."""
    lines = ["[dependency-groups]", 'g0 = [{include-group = "a1"}, {include-group = "b1"}]']
    for i in range(1, levels + 1):
        nxt = (
            '["alpha"]'
            if i == levels
            else f'[{{include-group = "a{i + 1}"}}, {{include-group = "b{i + 1}"}}, "alpha"]'
        )
        lines += [f"a{i} = {nxt}", f"b{i} = {nxt}"]
    return "\n".join(lines) + "\n"


def _group_chain(depth: int) -> str:
    lines = ["[dependency-groups]"]
    for i in range(depth):
        more = f'{{include-group = "g{i + 1}"}}, ' if i < depth - 1 else ""
        lines.append(f'g{i} = [{more}"alpha"]')
    return "\n".join(lines) + "\n"


def _write_many(ctx: Ctx, files: dict[str, str | bytes]) -> None:
    for rel, data in files.items():
        ctx.write(rel, data)


def _pyproject_only(ctx: Ctx, text: str) -> None:
    (ctx.project / "requirements.txt").unlink()
    ctx.write("project/pyproject.toml", text)


def _unreadable_subfolder(ctx: Ctx) -> None:
    ctx.write("project/private/mod.py", "import alpha\n")
    (ctx.project / "private").chmod(0)


def _fifo_at(rel: str) -> Callable[[Ctx], Path]:
    return lambda ctx: ctx.fifo(f"project/{rel}")


def _unreadable_project(ctx: Ctx) -> None:
    ctx.project.chmod(0)


CASES = [
    # --- hangs ------------------------------------------------------------------------------
    *(
        Case(
            f"project-fifo-{key}",
            "hang",
            "project",
            f"a FIFO where `{rel}` is expected",
            build=_fifo_at(rel),
            commands=("trim-o", "trim-inplace") if key == "requirements" else (),
        )
        for key, rel in FIFO_FILES.items()
    ),
    Case(
        "project-fifo-include",
        "hang",
        "project",
        "a FIFO named by a requirements `-r` include",
        build=lambda ctx: (
            ctx.fifo("project/more.txt"),
            ctx.write("project/requirements.txt", "alpha\nunusedpkg\n-r more.txt\n"),
        ),
        mention="more.txt",
        commands=("trim-o", "trim-inplace"),
    ),
    Case(
        "project-fifo-procfile-script",
        "hang",
        "project",
        "a FIFO named as the script a Procfile runs",
        build=lambda ctx: (
            ctx.fifo("project/run.sh"),
            ctx.write("project/Procfile", "web: bash run.sh\n"),
        ),
    ),
    Case(
        "project-huge-import-line",
        "hang",
        "project",
        "a single 10 MB line `import alpha, mod0, mod1, …`",
        build=lambda ctx: ctx.write("project/app.py", _huge_import_line()),
    ),
    Case(
        "project-huge-word-procfile",
        "hang",
        "project",
        "a Procfile whose one line is 10 MB of words",
        build=lambda ctx: ctx.write("project/Procfile", _huge_words("web: python app.py ")),
    ),
    Case(
        "project-huge-word-makefile",
        "hang",
        "project",
        "a Makefile recipe of 10 MB of words",
        build=lambda ctx: ctx.write("project/Makefile", _huge_words("run:\n\tpython -m app ")),
    ),
    Case(
        "project-huge-word-requirements",
        "hang",
        "project",
        "a requirements file whose one line is 10 MB of words",
        build=lambda ctx: ctx.write("project/requirements.txt", _huge_words("alpha\n")),
        commands=("trim-o",),
    ),
    Case(
        "project-backslash-imports",
        "hang",
        "project",
        "an import statement continued by backslashes over 200,000 lines",
        build=lambda ctx: ctx.write(
            "project/app.py",
            "import alpha, \\\n" + "".join(f"    m{i}, \\\n" for i in range(200_000)) + "    z\n",
        ),
    ),
    Case(
        "groups-wide-lattice",
        "hang",
        "project",
        "PEP 735 groups that include each other in a 30-level lattice",
        build=lambda ctx: ctx.write("project/pyproject.toml", _group_lattice(30)),
        commands=("trim-o",),
    ),
    # --- recursion --------------------------------------------------------------------------
    Case(
        "notebook-deep-json",
        "recursion",
        "project",
        "a notebook nested 100,000 arrays deep",
        build=lambda ctx: ctx.write("project/deep.ipynb", "[" * DEEP + "]" * DEEP),
        mention="deep.ipynb",
    ),
    Case(
        "dockerfile-deep-exec",
        "recursion",
        "project",
        "a Dockerfile `CMD` exec form nested 100,000 arrays deep",
        build=lambda ctx: ctx.write("project/Dockerfile", "CMD " + "[" * DEEP + "]" * DEEP + "\n"),
    ),
    Case(
        "pyproject-deep-arrays",
        "recursion",
        "project",
        "a pyproject.toml value nested 100,000 arrays deep",
        build=lambda ctx: ctx.write(
            "project/pyproject.toml", "[tool.x]\ny = " + "[" * DEEP + "]" * DEEP + "\n"
        ),
        mention="pyproject.toml",
        commands=("trim-o",),
    ),
    Case(
        "pyproject-deep-inline-tables",
        "recursion",
        "project",
        "a pyproject.toml value of 100,000 nested inline tables",
        build=lambda ctx: ctx.write(
            "project/pyproject.toml", "[tool.x]\ny = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n"
        ),
        mention="pyproject.toml",
    ),
    Case(
        "groups-deep-chain",
        "recursion",
        "project",
        "a 2,000-deep PEP 735 include-group chain",
        build=lambda ctx: ctx.write("project/pyproject.toml", _group_chain(2000)),
    ),
    Case(
        "py-deep-unary",
        "recursion",
        "project",
        "a Python expression of 100,000 nested unary minus signs",
        build=lambda ctx: ctx.write("project/pkg/deep.py", "x = " + "-" * DEEP + "1\n"),
    ),
    Case(
        "py-long-binop-chain",
        "recursion",
        "project",
        "a Python expression `1 + 1 + …` of 100,000 terms (a 100,000-deep tree)",
        build=lambda ctx: ctx.write("project/pkg/chain.py", "x = " + " + ".join(["1"] * DEEP)),
    ),
    Case(
        "py-import-module-concat",
        "recursion",
        "project",
        "`importlib.import_module('a' + 'b' + …)` over 100,000 string literals",
        build=lambda ctx: ctx.write(
            "project/app.py",
            "import importlib\nimport alpha\nimportlib.import_module("
            + " + ".join(["'a'"] * DEEP)
            + ")\n",
        ),
    ),
    # --- input at fault ---------------------------------------------------------------------
    Case(
        "include-nul-path",
        "input",
        "project",
        "a NUL byte in a requirements `-r` include path",
        build=lambda ctx: ctx.write(
            "project/requirements.txt", b"alpha\nunusedpkg\n-r mo\0re.txt\n"
        ),
        mention="requirements.txt",
        commands=("trim-o", "trim-inplace"),
    ),
    Case(
        "procfile-nul-script",
        "input",
        "project",
        "a NUL byte in the script a Procfile runs",
        build=lambda ctx: ctx.write("project/Procfile", b"web: bash scripts/st\0art.sh\n"),
    ),
    Case(
        "requirement-version-5000-digits",
        "input",
        "project",
        "a requirement pinned to a version of 5,000 digits",
        build=lambda ctx: ctx.write(
            "project/requirements.txt", "alpha\nunusedpkg==1." + "7" * 5000 + "\n"
        ),
        commands=("trim-o",),
    ),
    Case(
        "tool-depsize-int",
        "input",
        "config",
        "`[tool.depsize]` that is an integer (`tool.depsize = 5`)",
        build=lambda ctx: ctx.write("project/pyproject.toml", "[tool]\ndepsize = 5\n"),
        mention="pyproject.toml",
    ),
    Case(
        "config-exclude-int",
        "input",
        "config",
        "`[tool.depsize] exclude = 5`",
        build=lambda ctx: ctx.write("project/pyproject.toml", "[tool.depsize]\nexclude = 5\n"),
        mention="pyproject.toml",
    ),
    Case(
        "config-unknown-key",
        "input",
        "config",
        "an unknown key in `[tool.depsize]`",
        build=lambda ctx: ctx.write("project/pyproject.toml", "[tool.depsize]\nbogus = 1\n"),
        mention="pyproject.toml",
    ),
    Case(
        "project-table-string",
        "input",
        "project",
        "a pyproject.toml whose `project` is a string",
        build=lambda ctx: ctx.write("project/pyproject.toml", 'project = "demo"\n'),
        mention="pyproject.toml",
    ),
    Case(
        "pyproject-dependencies-int",
        "input",
        "project",
        "`[project] dependencies = 5` and `optional-dependencies` a list",
        build=lambda ctx: ctx.write(
            "project/pyproject.toml",
            '[project]\nname = "demo"\ndependencies = 5\noptional-dependencies = [1]\n',
        ),
        mention="pyproject.toml",
    ),
    Case(
        "pyproject-invalid-toml",
        "input",
        "project",
        "a pyproject.toml that is not TOML",
        build=lambda ctx: ctx.write("project/pyproject.toml", "[project\nname = \n"),
        mention="pyproject.toml",
    ),
    Case(
        "groups-cycle",
        "input",
        "project",
        "PEP 735 groups that include each other in a cycle, and an unknown group",
        build=lambda ctx: ctx.write(
            "project/pyproject.toml",
            '[dependency-groups]\na = [{include-group = "b"}]\nb = [{include-group = "a"}]\n'
            'c = [{include-group = "nope"}]\n',
        ),
        mention="pyproject.toml",
    ),
    Case(
        "notebook-cells-int",
        "input",
        "project",
        "notebook cells that are integers, and a code cell whose source is an integer",
        build=lambda ctx: _write_many(
            ctx,
            {
                "project/ints.ipynb": _notebook([1, 2]),
                "project/src.ipynb": _notebook([{"cell_type": "code", "source": 7}]),
                "project/list.ipynb": "[1, 2, 3]",
            },
        ),
    ),
    Case(
        "setup-cfg-wrong",
        "input",
        "project",
        "a setup.cfg with a broken section header and an unparsable install_requires",
        build=lambda ctx: ctx.write(
            "project/setup.cfg", "[options\ninstall_requires =\n    alpha>=>1\n[metadata]\nx\n"
        ),
        mention="setup.cfg",
    ),
    Case(
        "pipfile-wrong-types",
        "input",
        "project",
        "a Pipfile whose `source` is an integer and whose packages are an integer and a list",
        build=lambda ctx: ctx.write(
            "project/Pipfile", 'source = 5\n[packages]\nalpha = 5\nunusedpkg = ["x"]\n'
        ),
        mention="Pipfile",
    ),
    Case(
        "requirements-not-utf8",
        "input",
        "project",
        "a requirements file in Latin-1 with an invalid line",
        build=lambda ctx: ctx.write("project/requirements.txt", b"alpha\nunusedpkg\ncaf\xe9==[1\n"),
        mention="requirements.txt",
    ),
    Case(
        "include-symlink-loop",
        "input",
        "project",
        "a requirements include naming a symlink loop",
        build=lambda ctx: (
            ctx.symlink("project/loop.txt", "loop.txt"),
            ctx.write("project/requirements.txt", "alpha\nunusedpkg\n-r loop.txt\n"),
        ),
        mention="loop.txt",
        commands=("trim-o",),
    ),
    Case(
        "procfile-symlink-loop",
        "input",
        "project",
        "a Procfile that is a symlink loop, running a script that is one too",
        build=lambda ctx: (
            ctx.symlink("project/Procfile", "Procfile"),
            ctx.symlink("project/run.sh", "run.sh"),
            ctx.write("project/Dockerfile", "CMD bash run.sh\n"),
        ),
    ),
    Case(
        "include-dev-zero",
        "input",
        "project",
        "a requirements include naming `/dev/zero`",
        build=lambda ctx: ctx.write("project/requirements.txt", "alpha\nunusedpkg\n-r /dev/zero\n"),
        mention="/dev/zero",
        commands=("trim-o",),
    ),
    Case(
        "procfile-dev-zero",
        "input",
        "project",
        "a Procfile that is a symlink to `/dev/zero`",
        build=lambda ctx: ctx.symlink("project/Procfile", "/dev/zero"),
    ),
    Case(
        "project-subfolder-unreadable",
        "input",
        "project",
        "an unreadable folder inside the project",
        build=_unreadable_subfolder,
        mention="private",
        skip=skip_as_root,
    ),
    Case(
        "project-unreadable",
        "input",
        "project",
        "an unreadable project folder",
        build=_unreadable_project,
        mention="project",
        skip=skip_as_root,
    ),
]
