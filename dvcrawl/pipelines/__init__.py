"""Item pipelines, one concern per module, in the order of ``ITEM_PIPELINES``."""
