"""The data files of a build (the feeds, sitemaps, robots.txt and redirects of the source and of each edition) and
how this build gets their bytes: as the pages do (pageplan.py).

Each file is keyed by the function that makes it and the arguments it is made from (sitegen.render.datafiles), with
the pages, by the key plan (build/keyplan.py): a rebuild whose site frame held keeps the key of a file that names no
changed article without making its arguments, and an article a feed shows costs a look-up. Then it is kept (the
output holds it as the last build left it, made from the same key), taken from serve's memory or the page store (the
output lost it: a fresh CI checkout), or made, here in this process: feeds share their articles' entries, and one
edit makes a few feeds. Which of these a build may do is its destination's answer, asked through
`pageplan.plan_actions`, like the pages'.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence

from sitegen.build.destination import Destination
from sitegen.build.pageplan import FROM_STORE, KEEP, RENDER, DataPlan, plan_actions, taken_back
from sitegen.build.run import Run
from sitegen.incremental.pages import compress
from sitegen.model import BodyOf, OutputFile, Site
from sitegen.render.datafiles import DataJob, make_data_file


def data_files(
    run: Run, sites: Sequence[tuple[Site, BodyOf]], planned: DataPlan, destination: Destination
) -> Generator[OutputFile, None, dict[str, str]]:
    """The data files of each of `sites` (the source's, then each edition's, with where their bodies come from), in
    a stable order, each kept, taken back or made, as `planned` keyed them with the pages (build/keyplan.py). Returns
    each file's digest by its path, for `record_plan`."""
    jobs: list[DataJob] = []
    digests: list[str] = []
    made_with: list[tuple[BodyOf, dict[str, list[str]]]] = []  # each job's bodies, and its site's feed entries
    for (_, body), site_jobs, site_digests in zip(sites, planned.jobs, planned.digests, strict=True):
        jobs += site_jobs
        digests += site_digests
        made_with += [(body, {})] * len(site_jobs)  # one dict per site: the same object for each of its jobs
    actions = plan_actions([job.path for job in jobs], digests, destination)
    wanted = [(job.path, digest) for job, digest, act in zip(jobs, digests, actions, strict=True) if act == FROM_STORE]
    stored = destination.source.read_many(wanted)
    store = destination.store
    for job, (body, entries), digest, action in zip(jobs, made_with, digests, actions, strict=True):
        data = taken_back(destination, action, digest, stored)
        if action == RENDER or (action == FROM_STORE and data is None):
            data = make_data_file(job, body, entries)
            if store.keeps:
                store.put(job.path, digest, compress(data))
            destination.remember_page(digest, data)
            run.data_files_made += 1
        run.data_files += 1
        yield OutputFile(job.path, data, unchanged=action == KEEP)
    return dict(zip((job.path for job in jobs), digests, strict=True))
