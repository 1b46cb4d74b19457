from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    """Every field is read from the same-named environment variable and has a working default."""

    database_url: str = "sqlite:///tip_tiers.db"
    # Where the public reaches this API (https://tip.example.org): the one source of absolute URLs in answers.
    # Empty: links are relative (/v1/...). Never taken from the request, whose Host header a client can forge.
    public_url: str = ""
    default_page_size: int = 500
    max_page_size: int = 5000
    # Seconds a browser or CDN may reuse an answer without asking; ETags make asking again cheap.
    cache_max_age: int = 300
    # Each worker keeps whole answers of the current data version in memory, up to this many megabytes (0: off).
    # 16 keeps a worker under 150 MB at its peak (tests/perf/bench.py); the placements snapshot is apart from it.
    response_cache_mb: int = 16
    # Seconds between two readings of the data version; a new load is served everywhere within this time.
    version_check_interval: float = 1.0

    # Connection pool, per worker process: threads beyond size + overflow wait up to pool_timeout, then get a 503.
    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_pool_timeout: float = 5.0
    # A database that does not answer becomes a 503 after this many seconds, not a hung request.
    db_connect_timeout: int = 5
    db_pool_recycle: int = 1800
    # Seconds one database statement may take (PostgreSQL's statement_timeout), and how long a connection may stay
    # silent before it is cut: a hung server or a network that drops packets becomes a 503, not a hung request.
    db_statement_timeout: float = 5.0

    # Requests per client address per window (0: no limit). The address is X-Forwarded-For only from TRUSTED_PROXIES.
    rate_limit: int = 600
    rate_limit_window: int = 60
    # Redis shared by every worker and replica for the rate limit (redis://host:6379/0); empty: each process counts.
    redis_url: str = ""
    # Seconds a Redis command may take; after a failure, count in this process for redis_retry_after seconds.
    redis_timeout: float = 0.1
    redis_retry_after: float = 5.0

    # `python -m api`, the production server.
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated IPs or networks, or *).
    trusted_proxies: str = "127.0.0.1"
    # Seconds a stopping server gives requests in flight before it closes their connections.
    shutdown_timeout: int = 10
    # Slow or idle clients: seconds to send a request's headers, and to send the next request on a kept-alive one.
    header_timeout: float = 10.0
    keep_alive_timeout: int = 5
    # Connections a worker serves at once; beyond them a new connection gets a 503 at once.
    max_connections: int = 1000
    # Request headers: at most this many bytes (request line included) and this many fields, else a 431.
    max_header_bytes: int = 16384
    max_headers: int = 100
    log_level: str = "info"
    # One JSON line per request on stdout (`api.access` logger); off leaves only server events.
    access_log: bool = True


settings = Settings()
