"""When a file's time stamp can be trusted: git's rule for "racy" entries, shared by every stat-based check."""

RACY_NANOSECONDS = 2_000_000_000  # a time stamp is trusted only if it is at least this much older than the look
