"""Search over members, toolkits, ordinances and asks. The index gives ids; the hits are
fetched from their owners with the request's loaders (one batch per type), so a hit is
always the owner's current record."""
