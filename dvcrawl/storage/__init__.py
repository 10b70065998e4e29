"""Storage: typed SQLAlchemy models, the engine and the one repository."""
