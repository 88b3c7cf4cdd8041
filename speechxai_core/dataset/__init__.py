"""Many utterances: item sources, resumable explain-dataset runs, results folders."""

from .items import DatasetError, Item, Items, read_items
from .records import read_records, write_parquet
from .run import ModelSpec, RunOptions, RunSummary, explain_dataset, explain_item

__all__ = [
    "DatasetError", "Item", "Items", "ModelSpec", "RunOptions", "RunSummary", "explain_dataset", "explain_item",
    "read_items", "read_records", "write_parquet",
]
