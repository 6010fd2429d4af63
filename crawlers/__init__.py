"""Collection: the Scrapy project (spiders per source family, pipelines, middlewares) and the sample site."""
