from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    """Every field is read from the same-named environment variable and has a working default."""

    database_url: str = "sqlite:///tip_tiers.db"
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

    # Requests per client address per window (0: no limit). The address is X-Forwarded-For only from TRUSTED_PROXIES.
    rate_limit: int = 600
    rate_limit_window: int = 60
    # Redis shared by every worker and replica for the rate limit (redis://host:6379/0); empty: each process counts.
    redis_url: str = ""

    # `python -m api`, the production server.
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated IPs or networks, or *).
    trusted_proxies: str = "127.0.0.1"
    # Seconds a stopping server gives requests in flight before it closes their connections.
    shutdown_timeout: int = 10
    log_level: str = "info"
    # One JSON line per request on stdout (`api.access` logger); off leaves only server events.
    access_log: bool = True


settings = Settings()
