"""Import name → distribution."""

from __future__ import annotations

import pytest
from packaging.utils import canonicalize_name

from depsize.mapping import ImportMapper, hint

from .helpers import dists_of, make_dist

ENV = dists_of(
    make_dist("requests", ["requests"]),
    make_dist("google-cloud-storage", ["google.cloud.storage"]),
    make_dist("google-cloud-core", ["google.cloud.client", "google.cloud.exceptions"]),
    make_dist("protobuf", ["google", "google.protobuf"]),
    make_dist("Pillow", ["PIL"]),
    make_dist("psycopg2-binary", ["psycopg2"]),
    make_dist("psycopg2", ["psycopg2"]),
    make_dist("my-importname-dist", ["fancy_name"]),
)


def test_mapping__plain_package__installed() -> None:
    result = ImportMapper(ENV).map(["requests.adapters"])
    assert (result.dists, result.how, result.matched) == (("requests",), "installed", "requests")


def test_mapping__namespace_package__longest_dotted_prefix() -> None:
    result = ImportMapper(ENV).map(["google.cloud.storage.blob"])
    assert result.dists == ("google-cloud-storage",)
    assert result.matched == "google.cloud.storage"


def test_mapping__from_import_of_namespace__uses_submodule_candidate() -> None:
    result = ImportMapper(ENV).map(["google.cloud.storage", "google.cloud"])
    assert result.dists == ("google-cloud-storage",)


def test_mapping__namespace_root_only__not_claimed_by_namespace_contributor() -> None:
    result = ImportMapper(ENV).map(["google.cloud.bigquery"])
    assert result.how == "hint"


def test_mapping__two_providers__both_returned() -> None:
    assert ImportMapper(ENV).map(["psycopg2.extras"]).dists == ("psycopg2", "psycopg2-binary")


def test_mapping__pep794_style_import_name__installed() -> None:
    assert ImportMapper(ENV).map(["fancy_name"]).dists == ("my-importname-dist",)


def test_mapping__override__wins_over_installed() -> None:
    mapper = ImportMapper(ENV, {"requests": "my-requests-fork", "corp.lib": ["a", "B_c"]})
    assert ImportMapper(ENV).map(["PIL.Image"]).how == "installed"
    assert (mapper.map(["requests"]).dists, mapper.map(["requests"]).how) == (
        ("my-requests-fork",),
        "override",
    )
    assert mapper.map(["corp.lib.sub"]).dists == ("a", "b-c")


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("sklearn.svm", "scikit-learn"),
        ("cv2", "opencv-python"),
        ("PIL.Image", "pillow"),
        ("yaml", "pyyaml"),
        ("jwt", "pyjwt"),
        ("dateutil.parser", "python-dateutil"),
        ("bs4", "beautifulsoup4"),
        ("dotenv", "python-dotenv"),
        ("magic", "python-magic"),
        ("Crypto.Cipher", "pycryptodome"),
        ("attr", "attrs"),
        ("google.protobuf.message", "protobuf"),
        ("serial", "pyserial"),
        ("skimage", "scikit-image"),
        ("docx", "python-docx"),
        ("fitz", "pymupdf"),
        ("OpenSSL.SSL", "pyopenssl"),
        ("psycopg2", "psycopg2"),
        ("MySQLdb", "mysqlclient"),
        ("git", "gitpython"),
    ],
)
def test_mapping__famous_mismatch_not_installed__hint(module: str, expected: str) -> None:
    result = ImportMapper({}).map([module])
    assert result.how == "hint"
    assert result.dists[0] == expected


def test_mapping__psycopg2_hint__both_flavours() -> None:
    assert hint("psycopg2").dists == ("psycopg2", "psycopg2-binary")


def test_mapping__unknown_not_installed__normalised_name_hint() -> None:
    result = ImportMapper({}).map(["Some_Lib.sub"])
    assert (result.dists, result.how, result.matched) == (("some-lib",), "hint", "Some_Lib")


def test_providers__installed_or_mapped__the_providers() -> None:
    mapper = ImportMapper(ENV, {"internal_sdk": "acme-sdk"})
    assert mapper.providers(["PIL.Image"]) == ("pillow",)
    assert mapper.providers(["internal_sdk"]) == ("acme-sdk",)


def test_providers__not_installed__a_guess_only_when_declared() -> None:
    mapper = ImportMapper(ENV)
    assert mapper.providers(["yaml"]) == ()
    assert mapper.providers(["yaml"], declared={canonicalize_name("pyyaml")}) == ("pyyaml",)
    assert mapper.providers(["yaml"], declared={canonicalize_name("requests")}) == ()
