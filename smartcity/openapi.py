"""OpenAPI 3.0 description of the read-only API (generated from the catalog's dataset ids)."""
from __future__ import annotations

from smartcity.export import REPLACED_HEADER as REPLACED

ERROR = {"type": "object", "required": ["error", "valid"],
         "properties": {"error": {"type": "string"}, "valid": {"type": "array", "items": {"type": "string"}}}}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _cache_headers() -> dict:
    return {"ETag": {"schema": {"type": "string"}}, "Last-Modified": {"schema": {"type": "string"}},
            "Cache-Control": {"schema": {"type": "string"}}}


def document(dataset_ids: list[str], server: str = "/") -> dict:
    """The OpenAPI document; `server` is a configured base URL or the app's root as a relative URL ('/')."""
    ok_json = {"description": "OK", "headers": _cache_headers(),
               "content": {"application/json": {"schema": {"type": "object"}}}}
    not_modified = {"description": "Not modified (If-None-Match matched the ETag)"}
    name_param = {"name": "name", "in": "path", "required": True,
                  "description": "`<dataset id>` for its catalog entry, or `<dataset id>.csv|.json|.parquet` for rows",
                  "schema": {"type": "string", "enum": dataset_ids + [f"{d}.{f}" for d in dataset_ids
                                                                      for f in ("csv", "json", "parquet")]}}
    params = [
        name_param,
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0},
         "description": "Rows to return, in digits 0-9 (JSON: default 1000, at most 10000; CSV and Parquet: all by "
                        "default). JSON answers carry relative `self`, `next` and `prev` links (no `next` for "
                        "limit=0)"},
        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
        {"name": "sort", "in": "query", "schema": {"type": "string"},
         "description": "Comma-separated columns, `-` for descending: `sort=-snapshot_date,geo_code`"},
        {"name": "columns", "in": "query", "schema": {"type": "string"}, "description": "Comma-separated columns"},
        {"name": "encoding", "in": "query", "schema": {"type": "string", "enum": ["utf-8-sig", "utf-8", "cp932"]},
         "description": "CSV only: UTF-8 with BOM (default, for Excel), UTF-8, or CP932 (Shift_JIS)"},
        {"name": "geo_code", "in": "query", "schema": {"type": "string"},
         "description": "Any column works as a filter: `column=value` (repeat for several, at most 100 values), "
                        "`column__gte=`, `__lte=`, `__gt=`, `__lt=`, `__ne=`, `__contains=`, `__notcontains=`, "
                        "`__startswith=`, `__endswith=`, `__blank=true|false`; at most 20 conditions. A value must "
                        "fit its column (dates YYYY-MM-DD, numbers in digits 0-9), else 400"},
    ]
    return {
        "openapi": "3.0.3",
        "info": {"title": "大阪スマートシティ KPI ダッシュボード API / Osaka Smart City KPI Dashboard API",
                 "version": "1.0.0",
                 "description": "Read-only access to every published dataset. Responses carry ETag, Last-Modified "
                                "and Cache-Control from the database build."},
        "servers": [{"url": server.rstrip("/") or "/"}],
        "paths": {
            "/api/v1/datasets": {"get": {"summary": "The catalog", "operationId": "listDatasets",
                                         "responses": {"200": ok_json, "304": not_modified}}},
            "/api/v1/datasets/{name}": {"get": {
                "summary": "A dataset's catalog entry or its rows", "operationId": "getDataset", "parameters": params,
                "responses": {
                    "200": {"description": "OK", "headers": {**_cache_headers(), REPLACED: {
                        "description": "CSV with encoding=cp932 only: `none`, or each character CP932 lacks and "
                                       "what was written for it, as code points (`U+2013=U+002D, U+2022=U+30FB`)",
                        "schema": {"type": "string"}}}, "content": {
                        "application/json": {"schema": {"type": "object"}},
                        "text/csv": {"schema": {"type": "string"}},
                        "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}}}},
                    "304": not_modified,
                    "400": _error("Bad parameter or value, or over a limit: the error (日本語 / English) says what "
                                  "is valid"),
                    "404": _error("Unknown dataset or format: the error lists the valid ones")}}},
            "/api/v1/datapackage.json": {"get": {"summary": "Frictionless data package", "operationId": "datapackage",
                                                 "responses": {"200": ok_json, "304": not_modified}}},
            "/api/v1/catalog.zip": {"get": {"summary": "Every dataset as CSV with datapackage.json and README",
                                            "operationId": "catalogZip", "responses": {
                                                "200": {"description": "OK", "content": {"application/zip": {
                                                    "schema": {"type": "string", "format": "binary"}}}},
                                                "304": not_modified}}},
            "/api/v1/openapi.json": {"get": {"summary": "This document", "operationId": "openapi",
                                             "responses": {"200": ok_json, "304": not_modified}}},
        },
        "components": {"schemas": {"Error": ERROR}},
    }
