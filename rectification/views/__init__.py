"""Pages of the rectification app, one module per area."""
