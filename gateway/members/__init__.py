"""People, organisations, API keys and the viewer: the members service's part of the schema."""
