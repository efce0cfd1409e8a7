"""The commands of the command line, one module each (its click definition and its body);
:mod:`depsize.cli` gathers them into the ``depsize`` group. Like ``cli``, these modules print
and exit; nothing below them does."""
