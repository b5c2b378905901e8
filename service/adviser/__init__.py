"""The adviser view: what people ask on a site that opted in, redacted before it is stored."""
