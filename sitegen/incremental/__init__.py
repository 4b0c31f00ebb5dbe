"""What a build can reuse: the build cache, the body store, the up-to-date record."""
