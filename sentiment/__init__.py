"""Text analysis: normalisation, segmentation, sentiment, keywords, near-duplicates, monitoring plans, emerging issues."""
