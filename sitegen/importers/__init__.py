"""Importing archives into a site: `sitegen import legacy|hugo|jekyll`.

run.py        find and read the sources, locate pictures, link posts to each other; the entry points
sites.py      a Hugo site's contentDir, a Jekyll site's posts, drafts and output collections
legacy.py     a text page of the old portal -> ImportedArticle (pure)
hugo.py       a Hugo content file -> ImportedArticle: TOML/YAML/JSON front matter, shortcodes (pure)
jekyll.py     a Jekyll post -> ImportedArticle: file-name dates, Liquid (pure)
foreign.py    what Hugo and Jekyll share: field mapping, Markdown fixes (pure)
foreignfront.py  their front matter (YAML, TOML, JSON), its keys in any case (pure)
htmlbody.py   HTML content files kept as raw HTML, their pictures as figures (pure)
oldurls.py    the URLs a post had on its old site, as aliases (pure)
common.py     decoding, liberal dates, names, slugs, pictures in Markdown (pure)
placement.py  a file and URL of its own for every post; the same post found again when re-run
postlinks.py  links between imported posts, resolved once every post is placed (pure)
writer.py     the only writer: content/<column>/<yyyy>/<slug>.md and its pictures, never overwriting
report.py     the report of a run, for people and as JSON (pure)
model.py      ImportedArticle, Picture, Notice and the report of a run
"""
