"""Directory administration pages, for administrators only (everyone else gets 404)."""
