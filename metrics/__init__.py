"""Pure computation on tidy frames: aggregation, smoothing, gaps, ranks, location quotients."""
