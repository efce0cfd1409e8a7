"""Reporters: each takes one :class:`~depsize.analyze.Analysis` and renders it."""
