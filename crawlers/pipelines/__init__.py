"""Item pipelines, in order: normalise → validate → dedupe → store (one job each)."""

ITEM_PIPELINES = {
    "crawlers.pipelines.normalize.NormalizePipeline": 100,
    "crawlers.pipelines.validate.ValidatePipeline": 200,
    "crawlers.pipelines.dedupe.DedupePipeline": 300,
    "crawlers.pipelines.store.StorePipeline": 400,
}
