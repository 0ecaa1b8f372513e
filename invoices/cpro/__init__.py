"""Chorus Pro: the compatible API that connectors written for it call (`/cpro/…`, `/api/oauth/token`), and
the connector that pulls a public structure's invoices from Chorus Pro itself and pushes their statuses back.

Both are adapters over Chorale's own operations (the deposit, the lifecycle, the directory): nothing here
decides what an invoice may become, it only translates. The translation tables are in `mapping`.
"""
