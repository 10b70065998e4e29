"""Finding every article of a site from its front door: URL grammars, links, sitemaps,
feeds, listing walks, traps, soft 404s and platform detection."""
