"""The run cache: a second identical run on unchanged inputs replays the first one's output.

A read-only run (``scan``, ``why``, ``check`` without ``--update-baseline`` or ``--lock``) that
ends with exit code 0 or 1 is stored with everything its output depends on:

- the invocation (:mod:`.key`): the arguments, the current folder, depsize's version, the
  interpreter, which standard streams are terminals and the terminal's size, their encodings,
  the ``PYTHON*``/``LC_*``/``LANG`` variables, and every other environment variable the run
  looked up (its value, or that it was unset);
- a stamp of every input (:mod:`.record`, :mod:`.inputs`): the env scan cache's own stamps of
  the environment, every file the run opened, every path it stat-ed (``os.stat`` or a listing's
  ``stat()``: a file edited in place, with the same size, is seen), every folder it listed, and
  the code that ran (an upgrade of depsize or of a library it uses is a miss);
- what it wrote on stdout and stderr, in order, and its exit code.

:mod:`.play` answers a later run with the same invocation before the command-line layer is
imported: when every stamp still matches, it writes the stored output and exits; any
difference, a missing or malformed file, ``--no-cache`` or ``--stat-all`` runs the command.
"""
