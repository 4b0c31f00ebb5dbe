"""Sources, front matter, YAML with lines, Markdown, sanitising, links between articles, CJK text."""
