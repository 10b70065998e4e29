"""dvcrawl: an archive crawler for the news of Vietnam's Party Dân vận commissions."""

__version__ = "0.1.0"
