"""How many bytes a file counts for: one rule for the scanner and for conda records."""

from __future__ import annotations

import os


def counted_size(st: os.stat_result, inodes: set[tuple[int, int]], disk_usage: bool) -> int:
    """Bytes of a regular file's stat result, once per inode: a second hard link to an inode
    already in ``inodes`` is 0. Apparent size, or allocated blocks with ``disk_usage``."""
    if st.st_nlink > 1:
        key = (st.st_dev, st.st_ino)
        if key in inodes:
            return 0
        inodes.add(key)
    return st.st_blocks * 512 if disk_usage else st.st_size
