"""Reporters: each takes one :class:`~depsize.analyze.Analysis` and renders it.

:mod:`~depsize.report.document` is the JSON report as a typed document (written by
:mod:`~depsize.report.json`, read back by ``check``, ``diff`` and baselines).
"""
