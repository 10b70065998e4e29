"""Scrapy extensions: the crawl record and progress reporting."""
