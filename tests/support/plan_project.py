"""A project and the wheels its lock pins, for verdicts before installing (``--lock``).

``app.py`` imports ``webkit``, whose code imports ``formparse`` inside a function; the
Procfile runs ``clikit``'s console script; ``bloat`` (with its private ``bloat-core``) and
``stale`` are declared and used by nothing.
"""

from __future__ import annotations

from pathlib import Path

from support.wheels import WheelSpec

WHEELS = [
    WheelSpec(
        "webkit",
        "1.0",
        contents={
            "webkit/__init__.py": b"from webkit.forms import parse\n",
            "webkit/forms.py": b"def parse(body):\n    import formparse\n\n"
            b"    return formparse.parse(body)\n",
        },
        requires=("webbase>=1",),
    ),
    WheelSpec("webbase", "1.0", contents={"webbase/__init__.py": b"BASE = 1\n"}),
    WheelSpec(
        "formparse",
        "0.3",
        contents={
            "formparse/__init__.py": b"def parse(body):\n"
            b"    return dict(pair.split('=') for pair in body.split('&'))\n"
        },
    ),
    WheelSpec(
        "clikit",
        "2.0",
        contents={"clikit/__init__.py": b"def serve():\n    print('serving')\n"},
        console_scripts={"clikit-serve": "clikit:serve"},
    ),
    WheelSpec(
        "bloat",
        "1.1",
        files={"bloat/__init__.py": 3_000, "bloat/data.bin": 120_000},
        requires=("bloat-core==1.0",),
    ),
    WheelSpec(
        "bloat-core", "1.0", files={"bloat_core/__init__.py": 500, "bloat_core/x.so": 60_000}
    ),
    WheelSpec("stale", "0.9", files={"stale.py": 900}),
]
REQUIREMENTS = "webkit==1.0\nclikit==2.0\nformparse==0.3\nbloat==1.1\nstale==0.9\n"
LOCK = "webkit==1.0\nwebbase==1.0\nclikit==2.0\nformparse==0.3\nbloat==1.1\nbloat-core==1.0\n"
LOCK += "stale==0.9\n"


def write_project(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "app.py").write_text(
        "import webkit\n\n\ndef handle(body):\n    return webkit.parse(body)\n"
    )
    (folder / "Procfile").write_text("web: clikit-serve --port 8000\n")
    (folder / "requirements.txt").write_text(REQUIREMENTS)
    return folder
