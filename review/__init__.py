"""review: a rapid evidence-review toolkit."""
