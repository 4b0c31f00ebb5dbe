"""Where an article's pictures are, their variants (Pillow), the image cache."""
