"""The C heap's free pages given back to the system once the site is loaded, before the page workers fork.

Loading frees much of what it made (the sources' text, the pickles the Markdown workers sent back), but glibc's
malloc keeps freed memory in its heap, resident, unless it is at the heap's top: about 4 KB an article stayed in the
process that renders and writes the site (40 MB of 250 MB at 10,000 articles). `malloc_trim` returns the free pages
inside the heap too; elsewhere than glibc there is nothing to call, and nothing is lost but those pages.
"""

from __future__ import annotations

import ctypes


def give_back() -> bool:
    """Return the C heap's free pages (glibc's `malloc_trim(0)`); False where the C library has no such call."""
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return False
    trim(0)
    return True
