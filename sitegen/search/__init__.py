"""The search index: its format, a cold build and an incremental update."""
