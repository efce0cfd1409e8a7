"""Sizes before installing (``depsize plan``): a resolved set of distributions — a lockfile, a
pinned requirements file or pip's ``--report`` — is turned into the bytes each distribution
would put on disk, read from the wheels' own zip central directories, and attributed with the
same graph, attribution and recommendations as an installed environment.

lock reader ─► wheel choice (target tags) ─► central directory (range reads, cache)
            ─► installed files as pip writes them ─► EnvScan ─► graph, attribution, report
"""
