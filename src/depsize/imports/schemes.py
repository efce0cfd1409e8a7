"""URL schemes in string literals that name a database driver or broker client.

Shared by the extractors (which record the literals) and :mod:`depsize.join.configured` (which maps
them to distributions). Following SQLAlchemy, a scheme without ``+driver`` means its default
driver.
"""

from __future__ import annotations

import re

SCHEME_DRIVERS: dict[str, tuple[str, ...]] = {
    "postgresql": ("psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary"),
    "postgres": ("psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary"),
    "postgresql+psycopg2": ("psycopg2", "psycopg2-binary"),
    "postgresql+psycopg": ("psycopg", "psycopg-binary"),
    "postgresql+asyncpg": ("asyncpg",),
    "postgresql+pg8000": ("pg8000",),
    "postgresql+psycopg2cffi": ("psycopg2cffi",),
    "cockroachdb": ("sqlalchemy-cockroachdb",),
    "mysql": ("mysqlclient",),
    "mysql+mysqldb": ("mysqlclient",),
    "mysql+pymysql": ("pymysql",),
    "mysql+mysqlconnector": ("mysql-connector-python",),
    "mysql+aiomysql": ("aiomysql",),
    "mysql+asyncmy": ("asyncmy",),
    "mariadb": ("mysqlclient",),
    "mariadb+mariadbconnector": ("mariadb",),
    "mariadb+pymysql": ("pymysql",),
    "sqlite+aiosqlite": ("aiosqlite",),
    "sqlite+pysqlcipher": ("sqlcipher3",),
    "oracle": ("cx-oracle", "oracledb"),
    "oracle+cx_oracle": ("cx-oracle",),
    "oracle+oracledb": ("oracledb",),
    "mssql": ("pyodbc",),
    "mssql+pyodbc": ("pyodbc",),
    "mssql+pymssql": ("pymssql",),
    "redis": ("redis",),
    "rediss": ("redis",),
    "mongodb": ("pymongo",),
    "mongodb+srv": ("pymongo", "dnspython"),
    "amqp": ("kombu", "amqp"),
    "amqps": ("kombu", "amqp"),
    "clickhouse": ("clickhouse-sqlalchemy",),
    "snowflake": ("snowflake-sqlalchemy",),
    "duckdb": ("duckdb-engine",),
    "trino": ("trino",),
    "bigquery": ("sqlalchemy-bigquery",),
}
"""Scheme → distributions that provide its driver (any one of them is enough)."""

_BASES = sorted({s.split("+")[0] for s in SCHEME_DRIVERS} | {"sqlite"}, key=len, reverse=True)
URL_BEFORE = re.compile(r"""['"](?P<scheme>(?:%s)(?:\+\w+)?)\Z""" % "|".join(_BASES))  # noqa: UP031 - same
"""Matches the opening quote and scheme right before a ``://``, searched with an end position."""
URL_VALUE = re.compile(r"(?P<scheme>(?:%s)(?:\+\w+)?)://" % "|".join(_BASES))  # noqa: UP031 - same
"""Matches a URL scheme at the start of a literal's value."""
