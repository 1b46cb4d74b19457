from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    """Every field is read from the same-named environment variable and has a working default."""

    database_url: str = "sqlite:///tip_tiers.db"
    default_page_size: int = 500
    max_page_size: int = 5000
    # Seconds a browser or CDN may reuse an answer without asking; ETags make asking again cheap.
    cache_max_age: int = 300


settings = Settings()
