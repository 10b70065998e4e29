"""dvcrawl's own signals: how the spider and the archive's one writer speak.

The spider never opens the database. The writer (``StorePipeline``) opens it when the
crawl opens and sends ``archive_opened`` with what the spider may read of the archive;
the spider sends ``site_identified`` when a site given by URL alone turns out to be of a
family, and yields items for everything else the archive should keep.
"""

# Sent by the writer once the crawl record is open: ``archive`` (an ``ArchiveView``).
archive_opened = object()
# Sent by the spider: ``profile``, the site's profile with its family detected.
site_identified = object()
