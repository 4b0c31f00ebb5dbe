"""Importing archives into a site: `sitegen import legacy|hugo|jekyll`.

run.py      find and read the sources, locate pictures, link posts to each other; the entry points
legacy.py   a text page of the old portal -> ImportedArticle (pure)
hugo.py     a Hugo content file -> ImportedArticle: TOML/YAML/JSON front matter, shortcodes (pure)
jekyll.py   a Jekyll post -> ImportedArticle: file-name dates, Liquid (pure)
foreign.py  what Hugo and Jekyll share: front matter, field mapping, Markdown fixes (pure)
common.py   decoding, liberal dates, names, slugs, pictures in Markdown (pure)
writer.py   the only writer: content/<column>/<yyyy>/<slug>.md and its pictures, never overwriting
model.py    ImportedArticle, Picture, Notice and the report of a run
"""
