"""Real local processes and stores for the tests and the benchmarks alike: fresh databases and queues
(`stack.Stores`), the API, worker and UIs over them (`stack.Stack`), servers of one's own to stop and start
(`servers`), and the one webhook receiver (`receiver`). Neither tests/ nor bench/ imports the other."""
