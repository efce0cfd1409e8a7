"""``depsize check``: size and hygiene budgets over the report document (DESIGN §8).

The shape follows the pipeline: :mod:`~depsize.check.policy` (flags over
``[tool.depsize.check]``, merged once, with :mod:`~depsize.check.sizes` to read sizes),
:mod:`~depsize.check.budgets` (each budget over a
:class:`~depsize.report.document.ReportDocument`), :mod:`~depsize.check.baseline` (read,
atomic write), :mod:`~depsize.check.run` (the whole check), and the outputs:
:mod:`~depsize.check.text` (text, JSON) and :mod:`~depsize.check.github` (annotations, step
summary). Nothing here prints or exits: the CLI maps :attr:`CheckResult.exit_code
<depsize.check.model.CheckResult.exit_code>` and :class:`~depsize.errors.InputError` to exit
codes 1 and 2.

This module imports nothing: :mod:`depsize.config` reads the policy below the analysis, and
the rest sits above it.
"""
