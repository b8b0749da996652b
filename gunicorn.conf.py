"""Production server settings (gunicorn, read by scripts/serve.sh). Every setting can be changed by environment:

HOST / PORT                 where to listen (127.0.0.1:8050; a reverse proxy sits in front, docs/deploy.md)
SMARTCITY_WORKERS           worker processes (default: one per CPU core)
SMARTCITY_THREADS           threads per worker (default 4: callbacks wait on DuckDB, which releases the GIL)
SMARTCITY_TIMEOUT           seconds before a stuck worker is restarted (default 60)
SMARTCITY_FORWARDED_ALLOW   addresses of the reverse proxy whose X-Forwarded-* headers are trusted (127.0.0.1)
"""
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"{name}={value!r}: expected a whole number of at least 1")
    return int(value)


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8050)}"
workers = _int("SMARTCITY_WORKERS", os.cpu_count() or 1)
worker_class = "gthread"
threads = _int("SMARTCITY_THREADS", 4)
timeout = _int("SMARTCITY_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # a worker is replaced now and then, so a slow leak never grows without bound
max_requests_jitter = 500
limit_request_line = 8190  # the longest request line and header accepted (a proxy can set lower)
limit_request_fields = 100
limit_request_field_size = 8190
forwarded_allow_ips = os.environ.get("SMARTCITY_FORWARDED_ALLOW", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("SMARTCITY_LOGLEVEL", "info")
control_socket_disable = True  # no control socket in the service user's home: systemd starts and stops the server
